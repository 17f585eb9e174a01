using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Governance.Validation;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp;

/// <summary>Registers governed tools and the governance pipeline on an MCP server.</summary>
public static class GovernedMcpServerBuilderExtensions
{
    /// <summary>
    /// Adds the tools of <typeparamref name="TTools"/> and puts every one of them behind the governance pipeline.
    /// Each tool method needs <see cref="GovernedToolAttribute"/>; the server refuses to start otherwise.
    /// </summary>
    /// <typeparam name="TTools">A class marked <c>[McpServerToolType]</c>.</typeparam>
    /// <param name="builder">The MCP server builder.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithGovernedTools<[DynamicallyAccessedMembers(ToolTypeMembers)] TTools>(
        this IMcpServerBuilder builder)
        where TTools : class =>
        builder.WithGovernedTools(typeof(TTools));

    /// <summary>
    /// Adds the tools of <paramref name="toolType"/> (e.g. a class found in a tool assembly loaded at startup) exactly
    /// as <see cref="WithGovernedTools{TTools}(IMcpServerBuilder)"/> does, behind the governance pipeline.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="toolType">A class marked <c>[McpServerToolType]</c>.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithGovernedTools(this IMcpServerBuilder builder, [DynamicallyAccessedMembers(ToolTypeMembers)] Type toolType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(toolType);
        builder.Services.TryAddSingleton<GovernedToolMethods>();

        // As WithTools<TTools>() does, plus a note of which method each tool runs, for the attributes the SDK's
        // tool metadata does not carry ([Sensitive] parameters and result properties).
        foreach (var method in toolType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is null)
            {
                continue;
            }

            builder.Services.AddSingleton(services =>
            {
                var options = new McpServerToolCreateOptions { Services = services };
                var tool = method.IsStatic
                    ? McpServerTool.Create(method, options: options)
                    : McpServerTool.Create(method, r => ActivatorUtilities.CreateInstance(r.Services!, toolType), options);
                services.GetRequiredService<GovernedToolMethods>().Add(tool.ProtocolTool.Name, method);
                return tool;
            });
        }

        return builder.AddGovernance();
    }

    /// <summary>Adds the four CRM tools (CRM.SearchRecords, CRM.GetRecord, CRM.UpdateRecord, CRM.CreateContact), governed.</summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithCrmTools(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IProposalReader, CrmProposalReader>();
        builder.Services.TryAddSingleton<IRecordContextReader, CrmRecordContextReader>();
        return builder.WithGovernedTools<CrmTools>();
    }

    /// <summary>
    /// Adds human approval: the approval queue (an <see cref="IApprovalStore"/> must be registered, e.g. the
    /// governance database's), the approval step (requester confirmation by elicitation, else the queue), the
    /// approver's tools Approvals.ListPending and Approvals.Decide, CRM.GetProposal, and the dispatcher that runs
    /// approved proposals once, through the same pipeline (an <see cref="IApprovalEvidence"/> must be registered).
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithApprovalTools(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRecordContextReader, CrmRecordContextReader>();
        services.TryAddSingleton<IApprovalEditCheck>(sp => new PolicyApprovalEditCheck(
            sp.GetRequiredService<IGovernancePolicy>(),
            sp.GetService<ICallerDirectory>() ?? new PassThroughDirectory(),
            sp.GetRequiredService<GovernedToolCatalog>(),
            sp.GetService<IRecordContextReader>(),
            sp.GetRequiredService<TimeProvider>())
        {
            Crm = sp.GetService<GovernedCrm.Crm.ICrmConnector>(),
        });
        services.TryAddSingleton(sp => new ApprovalService(
            sp.GetRequiredService<IApprovalStore>(), RequireAuditTrail(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IApprovalEditCheck>()));
        services.TryAddSingleton<IApprovalInbox>(sp => sp.GetRequiredService<ApprovalService>());
        services.TryAddSingleton<LoopbackSession>();
        services.TryAddSingleton<ApprovedProposalDispatcher>();
        services.TryAddSingleton<ProposalView>();
        return builder.WithGovernedTools<ApprovalTools>();
    }

    /// <summary>
    /// Installs the governance call-tool filter and the startup check that every tool is governed. Idempotent.
    /// The pipeline comes from the service collection if one is registered, else
    /// <see cref="DefaultGovernancePipeline"/> with the ports the services hold: the caller's CRM connection (when an
    /// <see cref="GovernedCrm.Governance.Credentials.ICrmConnectionCheck"/> is registered), the targeted record read for the policy (when an
    /// <see cref="IRecordContextReader"/> is registered), the policy from <see cref="IGovernancePolicy"/> (default
    /// <see cref="AllowAllPolicy"/>), approvals (when an <see cref="IApprovalInbox"/> is registered). An
    /// <see cref="IAuditTrail"/> must be registered: there is no governed call without an audit trail.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder AddGovernance(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(GovernanceMarker)))
        {
            return builder;
        }

        services.AddSingleton<GovernanceMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GovernedToolCatalog>();
        services.TryAddSingleton<GovernedToolMethods>();
        services.TryAddSingleton(sp => new RequestStateSigner(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ApprovedCallTicket>();
        services.TryAddScoped<GovernedCallAccessor>();
        services.TryAddSingleton<CallerResolver>();
        services.AddOptions<LocalCallerOptions>();
        services.AddOptions<TokenClaimOptions>();
        services.TryAddSingleton<IGovernancePolicy, AllowAllPolicy>();
        services.TryAddSingleton(sp =>
        {
            // The ports come from the host's services; the order of the steps is Governance's (DefaultGovernancePipeline).
            var inbox = sp.GetService<IApprovalInbox>();
            var steps = DefaultGovernancePipeline.Create(new GovernancePorts
            {
                AuditTrail = RequireAuditTrail(sp),
                Policy = sp.GetRequiredService<IGovernancePolicy>(),
                Time = sp.GetRequiredService<TimeProvider>(),
                AuditLogger = sp.GetRequiredService<ILogger<AuditStep>>(),
                Connections = sp.GetService<GovernedCrm.Governance.Credentials.ICrmConnectionCheck>(),
                Records = sp.GetService<IRecordContextReader>(),
                Proposals = sp.GetService<IProposalReader>(),
                Approvals = inbox is null ? null : new ApprovalPorts(
                    inbox,
                    sp.GetService<ApprovalOptions>() ?? new ApprovalOptions(),
                    sp.GetService<IApprovalEvidence>() ?? throw new GovernanceConfigurationException(
                        "No approval evidence is registered: approved proposals cannot be checked against the audit chain. Register an IApprovalEvidence (the server's ChainApprovalEvidence over the audit chain).")),
            });
            foreach (var extra in sp.GetServices<GovernanceStepRegistration>())
            {
                steps.InsertAfter(extra.After, extra.Create(sp));
            }

            return steps.Build();
        });
        services.Configure<McpServerOptions>(o => o.Filters.Message.IncomingFilters.Add(AuditReceivedFilter.Create));
        services.Configure<McpServerOptions>(o => o.Filters.Message.IncomingFilters.Add(MalformedArgumentsFilter.Create));
        services.Configure<McpServerOptions>(o => o.Filters.Request.ListToolsFilters.Add(ToolVisibilityFilter.Create));
        services.AddSingleton<IPostConfigureOptions<McpServerOptions>, GovernedToolValidation>();
        services.Configure<McpServerOptions>(o => o.Filters.Request.CallToolFilters.Add(GovernanceCallToolFilter.Create));
        return builder;
    }

    /// <summary>
    /// Adds a governance step of the host's own right after the named step of the pipeline. It runs for every
    /// governed call: live calls and approved proposals alike. An unknown step name stops the server at startup.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="after">The step it follows, e.g. "policy" (the names are in docs/architecture.md).</param>
    /// <param name="create">Creates the step.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithGovernanceStep(this IMcpServerBuilder builder, string after, Func<IServiceProvider, IGovernanceStep> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new GovernanceStepRegistration(after, create));
        return builder.AddGovernance();
    }

    private const DynamicallyAccessedMemberTypes ToolTypeMembers =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors;

    private static IAuditTrail RequireAuditTrail(IServiceProvider services) =>
        services.GetService<IAuditTrail>() ?? throw new GovernanceConfigurationException(
            "No audit trail is registered: governed tools cannot run without one. Register an IAuditTrail (the server's AuditWriterTrail over GovernedCrm.Audit's AuditWriter).");

    private sealed class GovernanceMarker;

    private sealed class PassThroughDirectory : ICallerDirectory
    {
        public GovernedCrm.Governance.Identity.CallerIdentity? Resolve(GovernedCrm.Governance.Identity.CallerIdentity caller) => caller;
    }
}
