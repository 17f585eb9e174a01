namespace GovernedCrm.Hosting;

/// <summary>Runs the MCP server over stdio: JSON-RPC on stdin/stdout, logs on stderr, stops on stdin EOF, SIGTERM or Ctrl+C.</summary>
internal static class StdioServer
{
    public static async Task RunAsync(DataFolder folder, ServerPolicy policy, CancellationToken cancellationToken)
    {
        using var loggers = GovernedCrmServices.StartupLoggers();
        var resources = await ServerResources.OpenAsync(folder, loggers, policy.Connectors, policy.Witnesses, cancellationToken).ConfigureAwait(false);
        await using var _ = resources.ConfigureAwait(false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        var mcp = GovernedCrmRoot.Add(builder, folder, resources, policy);
        var streams = GovernedCrmRoot.AddStdio(builder, mcp, resources);

        using var host = builder.Build();
        streams.Services = host.Services;
        GovernanceStartupCheck.Run(host.Services);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server");
        logger.LogInformation("governed-crm {Version} serving MCP over stdio; data folder {DataFolder}; policy {Policy} (version {PolicyVersion})", ServerInfo.Version, folder.Path, policy.Policy.SourceName, policy.Policy.Version);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("governed-crm stopped");
    }
}
