using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Proofs;
using GovernedCrm.Audit.Witnesses;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// Checks the local chains against what a witness holds (<c>verify --witness</c>): every checkpoint the witness gives
/// for a chain (a folder: all of them; an HTTP witness: its newest, cosigned by the pinned witness key when one is
/// given) must be a prefix of the local chain, i.e. the Merkle root of the local chain's first <c>size</c> entries must
/// be the witnessed root (the same fact a consistency proof from the witnessed tree to the local head shows). The
/// first witnessed checkpoint that does not hold is a <see cref="VerifyCodes.WitnessMismatch"/>.
/// </summary>
public static class WitnessVerifier
{
    /// <summary>Checks <paramref name="chains"/> against <paramref name="target"/>.</summary>
    /// <param name="databasePath">The audit database (already verified on its own).</param>
    /// <param name="target">The witness.</param>
    /// <param name="chains">The chains to check.</param>
    /// <param name="witnessKey">The witness's cosigner key (type 0x04), or null; HTTP witnesses' checkpoints must then carry its valid cosignature.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was checked, what was left out, and the first mismatch.</returns>
    /// <exception cref="WitnessException">The witness cannot be read, or (with a key) holds nothing cosigned by it.</exception>
    /// <exception cref="InvalidOperationException">A local chain has a gap (verify reports it first).</exception>
    public static async Task<WitnessCheck> CheckAsync(
        string databasePath, WitnessTarget target, IReadOnlyList<string> chains, string? witnessKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(chains);
        using var http = target.Kind == WitnessKind.Directory ? null : WitnessHttp.CreateClient(TimeSpan.FromSeconds(30));
        var witness = WitnessClients.Open(target, () => http!);
        var checkedChains = new List<WitnessChainCheck>();
        var warnings = new List<string>();
        foreach (var chain in chains)
        {
            var origin = AuditChains.Origin(chain);
            var notes = await witness.ReadAsync(origin, cancellationToken).ConfigureAwait(false);
            var witnessed = Witnessed(target, witnessKey, chain, origin, notes, warnings);
            if (witnessed.Count == 0)
            {
                warnings.Add($"witness {target.Name} holds no checkpoint of chain '{chain}'");
                continue;
            }

            var leaves = await ChainLeafHashes.ReadAsync(databasePath, chain, witnessed[^1].Size, cancellationToken).ConfigureAwait(false);
            var within = witnessed.Where(c => c.Size <= leaves.Count).ToList();
            var roots = leaves.RootsAt([.. within.Select(c => c.Size)]);
            long matching = 0;
            for (var i = 0; i < within.Count; i++)
            {
                if (!roots[i].AsSpan().SequenceEqual(within[i].RootHash))
                {
                    var size = within[i].Size;
                    var from = matching > 0 ? $"; its checkpoint at {matching} still matches, so the change is in entries {matching} to {size - 1}" : "";
                    return Mismatch(chain, size - 1, $"the first {size} entries are not the ones witness {target.Name} holds a checkpoint of at that size{from}");
                }

                matching = within[i].Size;
            }

            if (within.Count < witnessed.Count)
            {
                return Mismatch(chain, leaves.Count, $"the chain has {leaves.Count} entries but witness {target.Name} holds a checkpoint of {witnessed[^1].Size}");
            }

            checkedChains.Add(new WitnessChainCheck(chain, witnessed.Count, witnessed[^1].Size));
        }

        return new WitnessCheck(target.Name, checkedChains, warnings, null);

        WitnessCheck Mismatch(string chain, long position, string detail) =>
            new(target.Name, checkedChains, warnings, new WitnessMismatch(chain, position, $"chain '{chain}': {detail}"));
    }

    /// <summary>The local report, or the witness's mismatch in its place (same counts, exit 1).</summary>
    /// <param name="local">The report of the local verification.</param>
    /// <param name="check">The witness check.</param>
    /// <returns>The combined report.</returns>
    public static VerifyReport Apply(VerifyReport local, WitnessCheck check)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(check);
        var warnings = local.Warnings.Concat(check.Warnings).ToList();
        return check.Mismatch is not { } mismatch
            ? local with { Warnings = warnings }
            : local with
            {
                Valid = false,
                Chain = mismatch.Chain,
                Position = mismatch.Position,
                Code = VerifyCodes.WitnessMismatch,
                Detail = mismatch.Detail,
                Warnings = warnings,
            };
    }

    /// <summary>The witness's usable checkpoints of one chain, ascending by size; the rest are named in the warnings.</summary>
    private static List<Checkpoint> Witnessed(WitnessTarget target, string? witnessKey, string chain, string origin, IReadOnlyList<string> notes, List<string> warnings)
    {
        var cosign = witnessKey is not null && target.Kind != WitnessKind.Directory;
        var usable = new SortedDictionary<long, Checkpoint>();
        foreach (var note in notes)
        {
            Checkpoint? checkpoint;
            if (cosign)
            {
                if (!CosignatureVerifier.TryVerify(note, witnessKey!, out checkpoint, out _))
                {
                    warnings.Add($"witness {target.Name}: a checkpoint of chain '{chain}' not cosigned by the pinned witness key; left out");
                    continue;
                }
            }
            else if (!SignedNoteFormat.TryParse(note, out var text, out _) || !Checkpoint.TryParse(text, out checkpoint))
            {
                warnings.Add($"witness {target.Name}: a record of chain '{chain}' that is not a signed checkpoint; left out");
                continue;
            }

            if (checkpoint!.Origin != origin)
            {
                warnings.Add($"witness {target.Name}: a checkpoint of another origin ({checkpoint.Origin}) given for chain '{chain}'; left out");
                continue;
            }

            usable.TryAdd(checkpoint.Size, checkpoint);
        }

        if (cosign && notes.Count > 0 && usable.Count == 0)
        {
            throw new WitnessException($"witness {target.Name} holds no checkpoint of chain '{chain}' cosigned by the pinned witness key");
        }

        return [.. usable.Values];
    }
}

/// <summary>What <c>verify --witness</c> found at one witness.</summary>
/// <param name="Witness">The witness's name.</param>
/// <param name="Chains">The chains that matched, with how many witnessed checkpoints and the newest size.</param>
/// <param name="Warnings">What was left out.</param>
/// <param name="Mismatch">The first witnessed checkpoint the local chain does not extend, or null.</param>
public sealed record WitnessCheck(string Witness, IReadOnlyList<WitnessChainCheck> Chains, IReadOnlyList<string> Warnings, WitnessMismatch? Mismatch);

/// <summary>One chain that matched a witness.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="Checkpoints">How many witnessed checkpoints were compared.</param>
/// <param name="NewestSize">The newest witnessed size.</param>
public sealed record WitnessChainCheck(string Chain, int Checkpoints, long NewestSize);

/// <summary>Where a chain stops extending what a witness holds.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="Position">The last entry of the smallest witnessed tree that differs, or the chain's length when it is shorter.</param>
/// <param name="Detail">What happened, in words.</param>
public sealed record WitnessMismatch(string Chain, long Position, string Detail);
