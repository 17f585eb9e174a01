using GovernedCrm.Hosting.Connectors;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Hosting;

/// <summary>The composition root of a governed-crm host of your own.</summary>
public static class GovernedCrmHostApplicationBuilderExtensions
{
    /// <summary>
    /// Makes <paramref name="builder"/> a governed-crm server over stdio, with everything <c>governed-crm serve</c>
    /// has: the CRM (embedded, or remote per tenant with a connectors file), the CRM, approval and audit tools, the
    /// policy (hot-reloaded from its file), the approval queue with its background executor, the audit trail, and the
    /// custom tool assemblies of <see cref="GovernedCrmOptions.ToolAssemblies"/>. Add your own tools with
    /// <see cref="GovernedCrmBuilder.WithGovernedTools{TTools}"/>. The data folder is opened now, so a bad one stops
    /// the host here; it is closed (its final checkpoint signed) when the host stops. The CLI verbs
    /// (<c>governed-crm approvals approve</c>, <c>verify</c>, ...) work on the same data folder; for HTTP with bearer
    /// tokens, serve the same tools with <c>governed-crm serve --http --tools YourTools.dll</c>.
    /// </summary>
    /// <param name="builder">The host's builder, e.g. <c>Host.CreateEmptyApplicationBuilder(...)</c>.</param>
    /// <param name="options">The data folder, policy, connectors and tool assemblies (unset: as <c>serve</c> reads them).</param>
    /// <returns>The builder of the governed-crm host.</returns>
    /// <exception cref="InvalidOperationException">The configuration is invalid or the data folder cannot be opened (the message says why).</exception>
    public static GovernedCrmBuilder AddGovernedCrm(this IHostApplicationBuilder builder, GovernedCrmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new GovernedCrmOptions();
        DataFolder folder;
        ServerPolicy policy;
        ServerResources resources;
        try
        {
            var policyPath = PolicySource.ResolvePath(options.PolicyFile);
            var connectorsPath = ConnectorsFileLoader.ResolvePath(options.ConnectorsFile);
            policy = new ServerPolicy(PolicySource.Load(policyPath), policyPath)
            {
                Connectors = connectorsPath is null ? null : ConnectorsFileLoader.Load(connectorsPath, Environment.GetEnvironmentVariable),
                CustomTools = GovernedCrmRoot.LoadCustomTools([.. options.ToolAssemblies]),
                Witnesses = WitnessSettings.Resolve(null, Environment.GetEnvironmentVariable),
            };
            _ = Telemetry.OtlpExportSettings.Read(Telemetry.OpenTelemetryExport.EnvironmentVariables()); // Bad OTEL_ settings stop the host here, before the data folder opens.
            folder = DataFolder.Open(options.DataFolder);
            using var loggers = GovernedCrmServices.StartupLoggers();
            resources = ServerResources.OpenAsync(folder, loggers, policy.Connectors, policy.Witnesses, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StartupException ex)
        {
            throw new InvalidOperationException($"governed-crm cannot start: {ex.Message}", ex);
        }

        // Hosted services start in the order they are registered and stop in reverse: the resources close last, and
        // the startup check runs before the stdio transport starts reading.
        builder.Services.AddHostedService(_ => new ResourcesLifetime(resources));
        var mcp = GovernedCrmRoot.Add(builder, folder, resources, policy);
        var streams = GovernedCrmRoot.AddStdio(builder, mcp, resources);
        builder.Services.AddHostedService(sp => new StdioStartup(sp, streams, folder, policy));
        return new GovernedCrmBuilder(builder, mcp);
    }

    // Before the transport reads: the batch refusal can audit, every tool is checked for governance metadata and
    // the pipeline is built (a missing port or an ungoverned tool stops the host here).
    private sealed class StdioStartup(IServiceProvider services, Batches.StdioTransportStreams streams, DataFolder folder, ServerPolicy policy) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            streams.Services = services;
            _ = services.GetRequiredService<IOptions<McpServerOptions>>().Value;
            services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server").LogInformation(
                "governed-crm {Version} serving MCP over stdio; data folder {DataFolder}; policy {Policy} (version {PolicyVersion})",
                ServerInfo.Version, folder.Path, policy.Policy.SourceName, policy.Policy.Version);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ResourcesLifetime(ServerResources resources) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await resources.DisposeAsync().ConfigureAwait(false);
    }
}
