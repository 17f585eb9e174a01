using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Store;

namespace GovernedCrm.Hosting;

/// <summary>
/// What the server opens before its host starts, so a bad data folder fails fast with exit code 2: the CRM
/// database, the governance database (approval queue) and the audit trail (database, signing key, anchor). Disposing it signs the final checkpoint.
/// </summary>
internal sealed class ServerResources : IAsyncDisposable
{
    private ServerResources(
        EmbeddedCrmDatabase crm, AuditWriter audit, AuditPaths auditPaths, SqliteApprovalStore approvals, ApprovalOptions approvalOptions, Connectors.RemoteCrms? remote)
    {
        Remote = remote;
        Approvals = approvals;
        ApprovalOptions = approvalOptions;
        Crm = crm;
        Audit = audit;
        AuditPaths = auditPaths;
    }

    public EmbeddedCrmDatabase Crm { get; }

    public AuditWriter Audit { get; }

    public AuditPaths AuditPaths { get; }

    /// <summary>The approval queue in the data folder's governance database.</summary>
    public SqliteApprovalStore Approvals { get; }

    /// <summary>How long proposals wait (GOVERNEDCRM_APPROVAL_TTL).</summary>
    public ApprovalOptions ApprovalOptions { get; }

    /// <summary>The remote CRMs, token vault and broker, when a connectors file is in force.</summary>
    public Connectors.RemoteCrms? Remote { get; }

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
