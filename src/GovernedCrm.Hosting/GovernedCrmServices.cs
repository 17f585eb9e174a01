using GovernedCrm.Crm.Embedded;
using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Mcp;
using Microsoft.Extensions.Logging.Console;

namespace GovernedCrm.Hosting;

/// <summary>The services both transports share: clock, data folder, embedded CRM, local caller, logging to stderr.</summary>
internal static class GovernedCrmServices
{
    public const string UserEnvironmentVariable = "GOVERNEDCRM_USER";

    /// <summary>Comma-separated user ids allowed to call admin tools (until the policy file names roles).</summary>
    public const string AdminsEnvironmentVariable = "GOVERNEDCRM_ADMINS";

    public static IReadOnlySet<string> AdminUsers() =>
        (Environment.GetEnvironmentVariable(AdminsEnvironmentVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Opens the CRM database (creating, migrating and seeding it on first run) before the host starts.</summary>
    /// <param name="folder">The data folder.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <returns>The database.</returns>
    /// <exception cref="StartupException">The database is unreadable, corrupt or too new.</exception>
    public static async Task<EmbeddedCrmDatabase> OpenCrmAsync(DataFolder folder, CancellationToken cancellationToken)
    {
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = folder.File(EmbeddedCrmOptions.FileName) });
        try
        {
            await database.InitializeAsync(TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (CrmException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }

    public static IServiceCollection AddGovernedCrm(this IServiceCollection services, DataFolder folder, ServerResources resources, ServerPolicy policy)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(folder);
        services.AddSingleton(resources.Crm);
        // With log records exported, each acknowledged entry also becomes a record (Telemetry/OpenTelemetryExport.cs).
        services.AddSingleton<GovernedCrm.Governance.Audit.IAuditTrail>(sp => new Adapters.AuditWriterTrail(resources.Audit, sp.GetService<Telemetry.AuditEntryLog>()));
        services.AddSingleton(resources);
        // The policy in force (hot-reloaded when it comes from a file), behind the guard that keeps admin tools for admins.
        var active = new ActivePolicy(policy.Policy, TimeProvider.System);
        services.AddSingleton(active);
        services.AddGovernancePolicy(new AdminToolsPolicy(active, AdminUsers()));
        if (policy.Path is { } path)
        {
            services.AddSingleton(sp => new PolicyFileWatcher(active, path, sp.GetRequiredService<ILogger<PolicyFileWatcher>>()));
            services.AddHostedService(sp => sp.GetRequiredService<PolicyFileWatcher>());
        }

        if (resources.Remote is { } remote)
        {
            // Remote tenants reach their own CRM as the calling user; the others keep the embedded CRM.
            services.AddSingleton<ICrmConnector>(sp => new GovernedCrm.Crm.Routing.TenantCrmRouter(
                ActivatorUtilities.CreateInstance<EmbeddedCrmConnector>(sp), remote.ConnectorByTenant));
            services.AddSingleton(remote.Vault);
            services.AddSingleton(remote.Broker);
        }
        else
        {
            services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();

            // Every step is in every server's pipeline: here the credentials step lets everyone through.
            services.AddSingleton<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>(GovernedCrm.Governance.Steps.Credentials.NoConnectionNeeded.Instance);
        }

        // The ports the CRM provides to the governance steps: the record the policy sees, the before values, the edit check.
        services.AddCrmGovernance();
        services.AddSingleton<GovernedCrm.Governance.Approvals.IApprovalStore>(resources.Approvals);
        services.AddSingleton<GovernedCrm.Governance.Approvals.IApprovalEvidence>(new Adapters.ChainApprovalEvidence(resources.AuditPaths.DatabasePath));
        services.AddSingleton(resources.ApprovalOptions);
        services.AddHostedService<ApprovedProposalExecutor>();
        services.Configure<LocalCallerOptions>(o =>
        {
            var user = Environment.GetEnvironmentVariable(UserEnvironmentVariable);
            o.UserId = string.IsNullOrWhiteSpace(user) ? Environment.UserName : user.Trim();
        });
        return services;
    }

    /// <summary>The standard Logging configuration key for the MCP SDK's level, as an environment variable.</summary>
    public const string SdkLogLevelVariable = "Logging__LogLevel__ModelContextProtocol";

    /// <summary>A logger factory for what runs before the host exists (opening the audit trail), writing to stderr.</summary>
    /// <returns>The factory.</returns>
    public static ILoggerFactory StartupLoggers() => LoggerFactory.Create(LogToStandardError);

    /// <summary>Sends every log line to stderr (as text or JSON, see <see cref="Logging.ConsoleLogFormat"/>): in stdio mode stdout carries JSON-RPC only.</summary>
    /// <param name="logging">The logging builder.</param>
    public static void LogToStandardError(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        Logging.ConsoleLogFormat.AddConsole(logging); // Text lines, or JSON (--log-format json, Logging__Console__FormatterName=json).
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // The MCP SDK logs several Information lines per request (handler called, completed, transport reads): on a
        // busy server that is most of the log and a measurable cost per call, and the audit trail already records
        // every call. Its warnings and errors still show; setting the standard variable for that category
        // (Logging__LogLevel__ModelContextProtocol) leaves the level to the configuration.
        if (Environment.GetEnvironmentVariable(SdkLogLevelVariable) is null)
        {
            logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        }
    }
}
