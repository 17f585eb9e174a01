using GovernedCrm.Hosting.CustomTools;
using GovernedCrm.Mcp;

namespace GovernedCrm.Hosting;

/// <summary>
/// The one place a governed-crm host is wired, whatever the transport: the shared services (data folder, CRM,
/// audit trail, policy and its watcher, connectors, approvals with the background executor, the CRM adapters the
/// governance steps need) and the MCP server with every governed tool (the CRM tools, the approval tools, the audit
/// tools, the custom tools of <see cref="ServerPolicy.CustomTools"/>). <c>serve</c> (stdio and HTTP),
/// <see cref="GovernedCrmHostApplicationBuilderExtensions.AddGovernedCrm"/> and the CLI verbs' tool catalog
/// (<see cref="Catalog"/>) go through it.
/// </summary>
internal static class GovernedCrmRoot
{
    /// <summary>Adds the services and the governed MCP server (without a transport) to <paramref name="builder"/>.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="folder">The data folder.</param>
    /// <param name="resources">What was opened before the host (CRM, audit trail, approval store, remote CRMs).</param>
    /// <param name="policy">The policy, connectors and custom tools in force.</param>
    /// <returns>The MCP server builder, for the transport and a host's own tools.</returns>
    public static IMcpServerBuilder Add(IHostApplicationBuilder builder, DataFolder folder, ServerResources resources, ServerPolicy policy)
    {
        GovernedCrmServices.LogToStandardError(builder.Logging);
        builder.Services.AddGovernedCrm(folder, resources, policy);
        Telemetry.OpenTelemetryExport.Add(builder, Telemetry.OpenTelemetryExport.EnvironmentVariables()); // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
        return builder.Services
            .AddMcpServer(ServerInfo.Configure)
            .WithCrmTools()
            .WithApprovalTools()
            .WithGovernedTools<Tools.AuditTools>()
            .WithCustomTools(policy.CustomTools);
    }

    /// <summary>Serves over stdio: JSON-RPC on stdin/stdout (batches refused and audited), logs on stderr.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="mcp">The MCP server builder of <see cref="Add"/>.</param>
    /// <param name="resources">The opened resources (remote CRMs need a connection check that names the connect command).</param>
    /// <returns>The streams; set their <see cref="Batches.StdioTransportStreams.Services"/> once the host is built.</returns>
    public static Batches.StdioTransportStreams AddStdio(IHostApplicationBuilder builder, IMcpServerBuilder mcp, ServerResources resources)
    {
        if (resources.Remote is { } remote)
        {
            // Over stdio there is no connect page: a caller who is not connected is told to run `governed-crm connect`.
            builder.Services.AddSingleton<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>(
                new GovernedCrm.OAuth.Connect.VaultConnectionCheck(remote.ProviderByTenant, remote.Vault, null, null));
        }

        var streams = new Batches.StdioTransportStreams();
        mcp.WithStreamServerTransport(streams.Input, streams.Output);
        return streams;
    }

    /// <summary>
    /// The governed tools of a host configured with <paramref name="customTools"/>, read from their attributes: what
    /// the CLI verbs check edits and explain decisions against (the same tool set <c>serve</c> registers).
    /// </summary>
    /// <param name="customTools">The custom tool classes (<see cref="LoadCustomTools"/>).</param>
    /// <returns>The catalog.</returns>
    public static GovernedCrm.Governance.Tools.GovernedToolCatalog Catalog(IReadOnlyList<Type> customTools) =>
        ServerTools.Catalog([.. ServerTools.Types, .. customTools]);

    /// <summary>The custom tool classes configured by <c>--tools</c> (or <c>GOVERNEDCRM_TOOLS</c>), loaded as <c>serve</c> loads them.</summary>
    /// <param name="options">The <c>--tools</c> values.</param>
    /// <returns>The tool classes.</returns>
    /// <exception cref="StartupException">An assembly is missing, cannot be loaded, has no tool class, or reuses a tool name.</exception>
    public static IReadOnlyList<Type> LoadCustomTools(IReadOnlyList<string>? options) =>
        ToolAssemblyLoader.Load(ToolAssemblyPaths.Resolve(options, Environment.GetEnvironmentVariable));
}
