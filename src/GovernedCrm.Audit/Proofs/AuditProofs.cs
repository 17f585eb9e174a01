using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Proofs;

/// <summary>Builds and checks inclusion proofs of single entries against signed checkpoints.</summary>
public static class AuditProofs
{
    /// <summary>Builds a proof of entry <paramref name="sequence"/> against the newest validly signed checkpoint that covers it.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="sequence">The entry.</param>
    /// <param name="verifierKey">The audit public key: only checkpoints it signed are used.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="InvalidOperationException">No such entry, or no signed checkpoint covers it yet.</exception>
    public static async Task<InclusionProofBundle> BuildAsync(string databasePath, string chain, long sequence, string verifierKey, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);

        (string Note, Checkpoint Checkpoint)? newest = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT note FROM audit_checkpoints WHERE chain = $chain AND size > $seq ORDER BY size DESC";
            command.Parameters.AddWithValue("$chain", chain);
            command.Parameters.AddWithValue("$seq", sequence);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (newest is null && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var note = reader.GetString(0);
                if (NoteVerifier.TryVerifyCheckpoint(note, verifierKey, out var checkpoint) && checkpoint!.Origin == AuditChains.Origin(chain))
                {
                    newest = (note, checkpoint);
                }
            }
        }

        if (newest is not { } signed)
        {
            throw new InvalidOperationException($"No signed checkpoint of chain '{chain}' covers entry {sequence} yet (checkpoints are signed every 1,000 entries, every 60 s and at shutdown).");
        }

        var hashes = new byte[signed.Checkpoint.Size][];
        byte[]? body = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, entry_hash, body FROM audit_entries WHERE chain = $chain AND seq < $size ORDER BY seq";
            command.Parameters.AddWithValue("$chain", chain);
            command.Parameters.AddWithValue("$size", signed.Checkpoint.Size);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            long expected = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetInt64(0) != expected)
                {
                    throw new InvalidOperationException($"Chain '{chain}' has a gap at {expected}; run governed-crm verify.");
                }

                hashes[expected] = reader.GetFieldValue<byte[]>(1);
                if (expected == sequence)
                {
                    body = reader.GetFieldValue<byte[]>(2);
                }

                expected++;
            }

            if (expected != signed.Checkpoint.Size || body is null)
            {
                throw new InvalidOperationException($"Chain '{chain}' is shorter than its signed checkpoint; run governed-crm verify.");
            }
        }

        var proof = MerkleProofs.InclusionProof(sequence, signed.Checkpoint.Size, i => hashes[i]);
        return new InclusionProofBundle
        {
            Chain = chain,
            Sequence = sequence,
            Body = Convert.ToBase64String(body),
            TreeSize = signed.Checkpoint.Size,
            Proof = proof.Select(Convert.ToBase64String).ToList(),
            Checkpoint = signed.Note,
        };
    }

    /// <summary>Checks a bundle offline: the checkpoint's signature, the body's hash, and the inclusion proof.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="verifierKey">The pinned audit public key.</param>
    /// <param name="entry">The decoded entry, when the proof holds.</param>
    /// <param name="problem">What is wrong, otherwise.</param>
    /// <returns>True when the entry is provably in the signed log.</returns>
    public static bool Check(InclusionProofBundle bundle, string verifierKey, out AuditEntry? entry, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        entry = null;
        if (!NoteVerifier.TryVerifyCheckpoint(bundle.Checkpoint, verifierKey, out var checkpoint))
        {
            problem = "the checkpoint is not validly signed by this key";
            return false;
        }

        if (checkpoint!.Origin != AuditChains.Origin(bundle.Chain) || checkpoint.Size != bundle.TreeSize)
        {
            problem = "the checkpoint is for another chain or size than the proof";
            return false;
        }

        byte[] body;
        List<byte[]> proof;
        try
        {
            body = Convert.FromBase64String(bundle.Body);
            proof = bundle.Proof.Select(Convert.FromBase64String).ToList();
        }
        catch (FormatException)
        {
            problem = "the body or a proof hash is not valid base64";
            return false;
        }

        if (!MerkleProofs.VerifyInclusion(bundle.Sequence, bundle.TreeSize, MerkleHasher.LeafHash(body), proof, checkpoint.RootHash))
        {
            problem = "the inclusion proof does not lead to the signed root";
            return false;
        }

        if (!AuditEntryCodec.TryDecode(body, out entry, out var error) || entry!.Sequence != bundle.Sequence || entry.Origin != checkpoint.Origin)
        {
            problem = $"the entry's body does not match its position ({error ?? "sequence or chain differs"})";
            entry = null;
            return false;
        }

        problem = null;
        return true;
    }
}
