using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Store;

namespace GovernedCrm.Hosting;

/// <summary>
/// What the server opens before its host starts, so a bad data folder fails fast with exit code 2: the CRM
/// database, the governance database (approval queue) and the audit trail (database, signing key, anchor). Disposing it signs the final checkpoint.
/// </summary>
/// <param name="crm">The CRM database.</param>
/// <param name="audit">The audit trail's writer.</param>
/// <param name="auditPaths">Where the audit database, key and anchor are.</param>
/// <param name="approvals">The approval queue.</param>
/// <param name="approvalOptions">How long proposals wait.</param>
/// <param name="remote">The remote CRMs, when a connectors file is in force.</param>
internal sealed class ServerResources(
    EmbeddedCrmDatabase crm, AuditWriter audit, AuditPaths auditPaths, SqliteApprovalStore approvals, ApprovalOptions approvalOptions, Connectors.RemoteCrms? remote)
    : IAsyncDisposable
{
    public EmbeddedCrmDatabase Crm { get; } = crm;

    public AuditWriter Audit { get; } = audit;

    public AuditPaths AuditPaths { get; } = auditPaths;

    /// <summary>The approval queue in the data folder's governance database.</summary>
    public SqliteApprovalStore Approvals { get; } = approvals;

    /// <summary>How long proposals wait (GOVERNEDCRM_APPROVAL_TTL).</summary>
    public ApprovalOptions ApprovalOptions { get; } = approvalOptions;

    /// <summary>The remote CRMs, token vault and broker, when a connectors file is in force.</summary>
    public Connectors.RemoteCrms? Remote { get; } = remote;

    public static async Task<ServerResources> OpenAsync(
        DataFolder folder, ILoggerFactory loggers, Connectors.ConnectorsConfiguration? connectors, IReadOnlyList<Audit.Witnesses.WitnessTarget> witnesses,
        CancellationToken cancellationToken)
    {
        var approvalOptions = ApprovalSettings.Resolve();
        var crm = await GovernedCrmServices.OpenCrmAsync(folder, cancellationToken).ConfigureAwait(false);
        var approvals = await ApprovalSettings.OpenStoreAsync(folder, cancellationToken).ConfigureAwait(false);
        var paths = AuditLocations.Resolve(folder);
        try
        {
            var remote = connectors is null ? null : await Connectors.RemoteCrms.OpenAsync(connectors, folder, loggers, cancellationToken).ConfigureAwait(false);
            var audit = await AuditTrailFactory.OpenAsync(paths, TimeProvider.System, loggers, AuditLocations.Tuning(witnesses), cancellationToken).ConfigureAwait(false);
            return new ServerResources(crm, audit, paths, approvals, approvalOptions, remote);
        }
        catch (Exception ex) when (ex is AuditKeyException or InvalidDataException or IOException or UnauthorizedAccessException or GovernedCrm.Store.Vault.VaultKeyException)
        {
            throw new StartupException(ex.Message, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Audit.DisposeAsync().ConfigureAwait(false);
        if (Remote is not null)
        {
            await Remote.DisposeAsync().ConfigureAwait(false);
        }
    }
}
