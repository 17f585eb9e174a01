using System.Text.Encodings.Web;
using System.Text.Json;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Proofs;

/// <summary>Builds consistency proofs between two sizes of a chain, and checks them offline.</summary>
public static class AuditConsistency
{
    /// <summary>A proof hash is tampered with, or the proof does not lead from the old root to the new one (exit 1).</summary>
    public const string InvalidCode = "audit.consistency_invalid";

    /// <summary>A checkpoint given with the proof is not validly signed, or disagrees with the proof's sizes or roots (exit 1).</summary>
    public const string CheckpointCode = "audit.checkpoint_invalid";

    /// <summary>The chain has fewer entries than the newer size, or a gap (exit 1).</summary>
    public const string UnavailableCode = "audit.proof_unavailable";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the proof that the chain's first <paramref name="newSize"/> entries extend its first <paramref name="oldSize"/>.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="oldSize">The older size, at least 1.</param>
    /// <param name="newSize">The newer size, at least <paramref name="oldSize"/>.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The bundle, with the signed checkpoints at both sizes when the database holds them.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are out of order or below 1.</exception>
    /// <exception cref="InvalidOperationException">The chain is shorter than <paramref name="newSize"/>, or has a gap.</exception>
    public static async Task<ConsistencyProofBundle> BuildAsync(string databasePath, string chain, long oldSize, long newSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(oldSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(newSize, oldSize);
        var leaves = await ChainLeafHashes.ReadAsync(databasePath, chain, newSize, cancellationToken).ConfigureAwait(false);
        if (leaves.Count < newSize)
        {
            throw new InvalidOperationException($"chain '{chain}' has {leaves.Count} entries, fewer than {newSize}");
        }

        var roots = leaves.RootsAt([oldSize, newSize]);
        return new ConsistencyProofBundle
        {
            Chain = chain,
            OldSize = oldSize,
            NewSize = newSize,
            OldRoot = Convert.ToBase64String(roots[0]),
            NewRoot = Convert.ToBase64String(roots[1]),
            Proof = [.. leaves.ConsistencyProof(oldSize, newSize).Select(Convert.ToBase64String)],
            OldCheckpoint = await CheckpointAtAsync(databasePath, chain, oldSize, cancellationToken).ConfigureAwait(false),
            NewCheckpoint = await CheckpointAtAsync(databasePath, chain, newSize, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The bundle as indented JSON.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The text.</returns>
    public static string Write(ConsistencyProofBundle bundle) => JsonSerializer.Serialize(bundle, Options);

    /// <summary>The proof as C2SP tlog-witness proof lines: one base64 hash a line.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The lines, each ending in a newline.</returns>
    public static string WriteLines(ConsistencyProofBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return string.Concat(bundle.Proof.Select(p => p + "\n"));
    }

    /// <summary>Reads a bundle.</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The bundle, or null for JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The text is not a bundle.</exception>
    public static ConsistencyProofBundle? Read(string text) => JsonSerializer.Deserialize<ConsistencyProofBundle>(text);

    /// <summary>
    /// Checks a bundle offline: when <paramref name="verifierKey"/> is given, every checkpoint in the bundle (and the
    /// ones given here) must be validly signed by it, be of the bundle's chain and agree with its sizes and roots; the
    /// proof must lead from the old root to the new one (RFC 9162 section 2.1.4.2).
    /// </summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="verifierKey">The pinned audit public key, or null to check the roots in the bundle only.</param>
    /// <param name="oldCheckpoint">A signed checkpoint at the older size to check against, or null.</param>
    /// <param name="newCheckpoint">A signed checkpoint at the newer size to check against, or null.</param>
    /// <param name="code">The refusal's code, when it does not hold.</param>
    /// <param name="problem">What is wrong, when it does not hold.</param>
    /// <returns>True when the proof holds.</returns>
    public static bool Check(
        ConsistencyProofBundle bundle, string? verifierKey, string? oldCheckpoint, string? newCheckpoint, out string? code, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        code = CheckpointCode;
        if (!SignedNoteFormat.TryDecodeBase64Strict(bundle.OldRoot, out var oldRoot) || !SignedNoteFormat.TryDecodeBase64Strict(bundle.NewRoot, out var newRoot))
        {
            code = InvalidCode;
            problem = "a root is not valid base64";
            return false;
        }

        foreach (var (note, size, root, which) in new[]
        {
            (oldCheckpoint ?? bundle.OldCheckpoint, bundle.OldSize, oldRoot, "old"),
            (newCheckpoint ?? bundle.NewCheckpoint, bundle.NewSize, newRoot, "new"),
        })
        {
            if (note is null)
            {
                continue;
            }

            Checkpoint? checkpoint;
            if (verifierKey is not null)
            {
                if (!NoteVerifier.TryVerifyCheckpoint(note, verifierKey, out checkpoint))
                {
                    problem = $"the {which} checkpoint is not validly signed by this key";
                    return false;
                }
            }
            else if (!SignedNoteFormat.TryParse(note, out var text, out _) || !Checkpoint.TryParse(text, out checkpoint))
            {
                problem = $"the {which} checkpoint is not a checkpoint note";
                return false;
            }

            if (checkpoint!.Origin != AuditChains.Origin(bundle.Chain) || checkpoint.Size != size || !checkpoint.RootHash.AsSpan().SequenceEqual(root))
            {
                problem = $"the {which} checkpoint (size {checkpoint.Size}) is not the proof's chain, size {size} and root";
                return false;
            }
        }

        code = InvalidCode;
        var proof = new List<byte[]>(bundle.Proof.Count);
        foreach (var hash in bundle.Proof)
        {
            if (!SignedNoteFormat.TryDecodeBase64Strict(hash, out var bytes))
            {
                problem = "a proof hash is not valid base64";
                return false;
            }

            proof.Add(bytes);
        }

        if (!MerkleProofs.VerifyConsistency(bundle.OldSize, bundle.NewSize, proof, oldRoot, newRoot))
        {
            problem = $"the proof does not show that the tree of {bundle.NewSize} entries extends the tree of {bundle.OldSize}";
            return false;
        }

        code = null;
        problem = null;
        return true;
    }

    private static async Task<string?> CheckpointAtAsync(string databasePath, string chain, long size, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT note FROM audit_checkpoints WHERE chain = $chain AND size = $size";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$size", size);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
