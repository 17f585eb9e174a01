using GovernedCrm.Mcp;
using GovernedCrm.Server.Hosting.CustomTools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace GovernedCrm.Server.Hosting;

/// <summary>Runs the MCP server over stdio: JSON-RPC on stdin/stdout, logs on stderr, stops on stdin EOF, SIGTERM or Ctrl+C.</summary>
internal static class StdioServer
{
    public static async Task RunAsync(DataFolder folder, ServerPolicy policy, CancellationToken cancellationToken)
    {
        using var loggers = GovernedCrmServices.StartupLoggers();
        var resources = await ServerResources.OpenAsync(folder, loggers, policy.Connectors, cancellationToken).ConfigureAwait(false);
        await using var _ = resources.ConfigureAwait(false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        GovernedCrmServices.LogToStandardError(builder.Logging);
        builder.Services.AddGovernedCrm(folder, resources, policy);
        if (resources.Remote is { } remote)
        {
            // Over stdio there is no connect page: a caller who is not connected is told to run `governed-crm connect`.
            builder.Services.AddSingleton<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>(
                new GovernedCrm.OAuth.Connect.VaultConnectionCheck(remote.ProviderByTenant, remote.Vault, null, null));
        }
        var streams = new Batches.StdioTransportStreams();
        builder.Services
            .AddMcpServer(ServerInfo.Configure)
            .WithStreamServerTransport(streams.Input, streams.Output)
            .WithCrmTools()
            .WithApprovalTools()
            .WithGovernedTools<Tools.AuditTools>()
            .WithCustomTools(policy.CustomTools);

        using var host = builder.Build();
        streams.Services = host.Services;
        GovernanceStartupCheck.Run(host.Services);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server");
        logger.LogInformation("governed-crm {Version} serving MCP over stdio; data folder {DataFolder}; policy {Policy} (version {PolicyVersion})", ServerInfo.Version, folder.Path, policy.Policy.SourceName, policy.Policy.Version);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("governed-crm stopped");
    }
}
