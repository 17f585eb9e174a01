using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using GovernedCrm.Governance.Steps.Validation;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using GovernedCrm.Governance.Steps.Approval;
using GovernedCrm.Governance.Steps.RecordContext;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

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
        return builder.WithGovernedTools<CrmTools>();
    }

    /// <summary>
    /// Adds human approval: the approval queue (an <see cref="IApprovalStore"/> and an <see cref="IApprovalEditCheck"/>
    /// must be registered, e.g. the governance database's store and GovernedCrm.Hosting's policy edit check), the approval step (requester confirmation by elicitation, else the queue), the
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
        services.TryAddSingleton(sp => new ApprovalService(
            sp.GetRequiredPort<IApprovalStore>(ApprovalStep.StepName, MissingStore),
            sp.GetRequiredPort<IAuditTrail>(ApprovalStep.StepName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredPort<IApprovalEditCheck>(ApprovalStep.StepName, MissingEditCheck)));
        services.TryAddSingleton<IApprovalInbox>(sp => sp.GetRequiredService<ApprovalService>());
        services.TryAddSingleton<LoopbackSession>();
        services.TryAddSingleton<ApprovedProposalDispatcher>();
        services.TryAddSingleton<ProposalView>();
        services.AddApprovalStep();
        return builder.WithGovernedTools<ApprovalTools>();
    }

    /// <summary>
    /// Installs the governance call-tool filter, the startup check that every tool is governed, and the governance
    /// pipeline (<see cref="GovernancePipelineServiceCollectionExtensions.AddGovernancePipeline"/>: Governance's
    /// steps in Governance's order). Idempotent. The host registers the ports: an <see cref="IAuditTrail"/>, an
    /// <see cref="GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck"/> and an
    /// <see cref="IRecordContextReader"/> are required (a missing one stops the server at startup, naming it; the
    /// GovernedCrm.Hosting library registers the CRM's); the policy defaults to <see cref="AllowAllPolicy"/>.
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
        // The steps, their order and their ports are Governance's: a missing required port stops the server at startup.
        services.AddGovernancePipeline();
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
        builder.Services.AddGovernanceStep(after, create);
        return builder.AddGovernance();
    }

    private const DynamicallyAccessedMemberTypes ToolTypeMembers =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors;

    private const string MissingStore =
        "No approval store is registered: the approval queue has nowhere to keep proposals. Register an IApprovalStore (GovernedCrm.Store's SqliteApprovalStore).";

    private const string MissingEditCheck =
        "No approval edit check is registered: an approver's edits cannot be checked against the policy. Register an IApprovalEditCheck (GovernedCrm.Hosting's AddCrmGovernance registers the policy's).";

    private sealed class GovernanceMarker;
}
