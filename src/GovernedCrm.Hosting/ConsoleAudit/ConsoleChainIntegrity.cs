using GovernedCrm.AdminConsole.Trail;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Proofs;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Hosting.Tools;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Hosting.ConsoleAudit;

/// <summary>
/// The console's chain checks, scoped as <c>Audit.VerifyChain</c> is: the caller's own tenant's chain only, with the
/// anchor file's warnings (whose records span every chain) told to a caller without every chain in scope only as
/// "there are some". The walk is <see cref="AuditVerifier"/>'s, the proof <see cref="AuditProofs"/>' written by
/// <see cref="InclusionProofBundleFile"/>: what <c>verify</c>, <c>audit prove</c> and <c>audit check-proof</c> use.
/// </summary>
/// <param name="paths">The audit database, key and anchor.</param>
/// <param name="policy">The policy in force.</param>
/// <param name="service">The audit query service (reads an entry; the redaction rule).</param>
internal sealed class ConsoleChainIntegrity(AuditPaths paths, IGovernancePolicy policy, AuditQueryService service) : IChainIntegrity
{
    private const string VerifyTool = "Audit.VerifyChain";

    /// <inheritdoc />
    public bool MayVerify(CallerIdentity caller) => AuditQueryService.MayUse(policy, caller, VerifyTool);

    /// <inheritdoc />
    public async Task<ChainVerification> VerifyAsync(CallerIdentity caller, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!MayVerify(caller))
        {
            throw new InvalidOperationException("The policy does not let this caller verify the chain.");
        }

        var report = await AuditVerifier.VerifyAsync(
            paths.DatabasePath, AuditKeys.ReadPublicKey(paths), paths.AnchorPath, caller.Tenant, progress, cancellationToken).ConfigureAwait(false);
        Telemetry.AuditMetrics.Verified(report);
        if (!AuditScope.SeesEveryChain(policy, caller) && report.Warnings.Count > 0)
        {
            report = report with { Warnings = [AuditTools.ScopedAnchorWarning] };
        }

        return new ChainVerification(
            report.Valid, caller.Tenant, report.Entries, report.Checkpoints, report.Position, report.Code, report.Detail,
            (long)report.Elapsed.TotalMilliseconds, report.Summary, report.Warnings);
    }

    /// <inheritdoc />
    public async Task<ChainState> StateAsync(CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var chain = caller.Tenant;
        var origin = AuditChains.Origin(chain);
        var key = AuditKeys.ReadPublicKey(paths);
        SignedCheckpointView? latest = null;
        try
        {
            if (await ChainCheckpoints.NewestAsync(paths.DatabasePath, chain, key, cancellationToken).ConfigureAwait(false) is { } newest)
            {
                latest = new SignedCheckpointView(newest.Checkpoint.Size, Convert.ToBase64String(newest.Checkpoint.RootHash), KeyName(key));
            }
        }
        catch (SqliteException)
        {
            latest = null;
        }

        var anchor = AnchorState(paths.AnchorPath, origin, key);
        return new ChainState(chain, latest, anchor);
    }

    /// <inheritdoc />
    public async Task<ProofDownload> ProofAsync(CallerIdentity caller, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!service.MayRead(caller))
        {
            return new ProofDownload(null, null, AdminToolsPolicy.AdminOnlyCode, "The policy does not let your roles read the audit trail.");
        }

        var chain = caller.Tenant;
        try
        {
            if (await service.FindAsync(chain, sequence, cancellationToken).ConfigureAwait(false) is not { } entry)
            {
                return new ProofDownload(null, null, ProofDownload.UnavailableCode, $"There is no readable entry at position {sequence} of your chain.");
            }

            if (service.HidesValuesFrom(caller, entry))
            {
                return new ProofDownload(null, null, ProofDownload.RedactedCode,
                    "This entry holds values your roles may not read, and a proof carries the entry's whole signed body: ask someone who may read them.");
            }

            var bundle = await AuditProofs.BuildAsync(paths.DatabasePath, chain, sequence, AuditKeys.ReadPublicKey(paths), cancellationToken).ConfigureAwait(false);
            return new ProofDownload(InclusionProofBundleFile.FileName(bundle), InclusionProofBundleFile.Write(bundle));
        }
        catch (InvalidOperationException ex)
        {
            // AuditProofs' messages name only this chain and the entry (no checkpoint yet, a gap, a short chain).
            return new ProofDownload(null, null, ProofDownload.UnavailableCode, ex.Message);
        }
        catch (SqliteException)
        {
            return new ProofDownload(null, null, ProofDownload.UnavailableCode, "The audit database cannot be read right now.");
        }
    }

    private static AnchorState AnchorState(string anchorPath, string origin, string key)
    {
        if (!File.Exists(anchorPath))
        {
            return new AnchorState(false, 0, null, false);
        }

        AnchorContents contents;
        try
        {
            contents = new AnchorFile(anchorPath).Read();
        }
        catch (IOException)
        {
            return new AnchorState(true, 0, null, true);
        }

        var count = 0;
        long? newest = null;
        var leftOut = contents.Damaged.Count > 0;
        foreach (var note in contents.Notes)
        {
            if (!NoteVerifier.TryVerifyCheckpoint(note.Note, key, out var checkpoint))
            {
                leftOut = true;
            }
            else if (checkpoint!.Origin == origin)
            {
                count++;
                newest = newest is { } n ? Math.Max(n, checkpoint.Size) : checkpoint.Size;
            }
        }

        return new AnchorState(true, count, newest, leftOut);
    }

    private static string KeyName(string verifierKey) => verifierKey.Split('+')[0];
}
