using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Mcp.Tools;
using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Mcp.Governance;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// What an <c>approvals</c> verb works with: the data folder's approval store and audit trail (shared with running
/// servers; the audit writer handles several processes), and the approval service with its policy edit check.
/// Disposing it closes the audit trail, which signs a checkpoint of the entries this process wrote.
/// </summary>
internal sealed class ApprovalsContext : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly AuditWriter _audit;

    private ApprovalsContext(ILoggerFactory loggers, AuditWriter audit, ApprovalService service)
    {
        _loggers = loggers;
        _audit = audit;
        Service = service;
    }

    public ApprovalService Service { get; }

    public static async Task<ApprovalsContext> OpenAsync(DataFolder folder, CompiledPolicy policy, IReadOnlyList<Type> customTools, CancellationToken cancellationToken)
    {
        var store = await ApprovalSettings.OpenStoreAsync(folder, cancellationToken).ConfigureAwait(false);

        // A CLI verb logs warnings and errors only: checkpoint notices would drown its answer.
        var loggers = LoggerFactory.Create(logging =>
        {
            GovernedCrmServices.LogToStandardError(logging);
            logging.SetMinimumLevel(LogLevel.Warning);
        });
        AuditWriter audit;
        try
        {
            audit = await AuditTrailFactory.OpenAsync(AuditLocations.Resolve(folder, null), TimeProvider.System, loggers, AuditLocations.Tuning(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            loggers.Dispose();
            throw;
        }

        var active = new ActivePolicy(policy, TimeProvider.System);
        var editCheck = new PolicyApprovalEditCheck(active, active, GovernedCrmRoot.Catalog(customTools), RecordReader(folder), TimeProvider.System);
        return new ApprovalsContext(loggers, audit, new ApprovalService(store, new AuditWriterTrail(audit), TimeProvider.System, editCheck));
    }

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync().ConfigureAwait(false);
        _loggers.Dispose();
    }

    // The edit check reads the targeted record from the folder's CRM, when there is one (as 'policy explain' does).
    private static CrmRecordContextReader? RecordReader(DataFolder folder)
    {
        var file = folder.File(EmbeddedCrmOptions.FileName);
        return File.Exists(file)
            ? new CrmRecordContextReader(new EmbeddedCrmConnector(new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = file }), TimeProvider.System))
            : null;
    }
}
