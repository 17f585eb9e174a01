using System.IO.Pipelines;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp;
using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The governed-crm MCP server in this process (the four CRM tools behind the governance pipeline, plus the
/// ungoverned baseline tool), over System.IO.Pipelines streams, with a connected client. The CRM database is a
/// fresh demo database in the given folder; the audit trail is whatever the caller passes.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkServer(IHost host, McpClient client, string[] pipelineSteps)
    {
        _host = host;
        Client = client;
        PipelineSteps = pipelineSteps;
    }

    public McpClient Client { get; }

    /// <summary>
    /// The policy the governed calls are decided by: the built-in default policy's rules, with its limits raised
    /// so a benchmark loop is measured, not throttled (the limits are still checked on every call).
    /// </summary>
    public static CompiledPolicy Policy { get; } = PolicyLoader.Load(
        BuiltInPolicy.Text()
            .Replace("writes_per_user: { max: 60, window: 60s }", "writes_per_user: { max: 100000000, window: 60s }", StringComparison.Ordinal)
            .Replace("distinct_records_per_session: 500", "distinct_records_per_session: 100000000", StringComparison.Ordinal),
        "built-in default policy, limits raised").Policy ?? throw new InvalidOperationException("The benchmark policy does not load.");

    public string[] PipelineSteps { get; }

    public static async Task<BenchmarkServer> StartAsync(string dataFolder, IAuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(dataFolder, EmbeddedCrmOptions.FileName) });
        await database.InitializeAsync(time, cancellationToken).ConfigureAwait(false);

        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        LogWarningsToStandardError(builder.Logging);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();
        builder.Services.AddSingleton(audit);
        builder.Services.AddSingleton<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>(GovernedCrm.Governance.Steps.Credentials.NoConnectionNeeded.Instance);
        builder.Services.AddCrmGovernance();
        builder.Services.Configure<LocalCallerOptions>(o => o.UserId = "benchmark");
        builder.Services.AddGovernancePolicy(new ActivePolicy(Policy, time));
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "governed-crm-benchmark", Version = "0.1.0" })
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithCrmTools()
            .WithTools<BenchmarkTools>();

        var host = builder.Build();
        try
        {
            // Builds the server options now, as governed-crm does at startup, so the governance catalog is filled
            // (and an unmarked tool fails) before the first call rather than during it.
            _ = host.Services.GetRequiredService<IOptions<McpServerOptions>>().Value;
            var catalog = host.Services.GetRequiredService<GovernedToolCatalog>();
            foreach (var tool in new[] { "CRM.GetRecord", "CRM.UpdateRecord" })
            {
                if (!catalog.TryGetGoverned(tool, out _))
                {
                    throw new InvalidOperationException($"Expected {tool} to be governed; the comparison would be meaningless.");
                }
            }

            if (!catalog.IsUngoverned(BenchmarkTools.GetRecordUngoverned))
            {
                throw new InvalidOperationException($"Expected {BenchmarkTools.GetRecordUngoverned} to be ungoverned; the comparison would be meaningless.");
            }

            var pipelineSteps = host.Services.GetRequiredService<GovernancePipeline>().Steps.Select(s => s.Name).ToArray();
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var client = await McpClient.CreateAsync(
                new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
                new McpClientOptions { ClientInfo = new Implementation { Name = "governed-crm-benchmark-client", Version = "0.1.0" } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BenchmarkServer(host, client, pipelineSteps);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _host.Dispose();
    }

    // Warnings only: per-call information logs would go to stderr on every round trip and distort the figures.
    private static void LogWarningsToStandardError(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
    }
}
