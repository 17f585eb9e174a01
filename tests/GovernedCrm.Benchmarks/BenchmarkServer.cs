using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The governed-crm MCP server in this process (the four CRM tools behind the governance pipeline, plus the
/// ungoverned baseline tool), started by the test kit's in-process launcher (<see cref="McpTestServer"/>: in-memory
/// pipes, a connected client). The CRM database is a fresh demo database in the given folder; the audit trail is
/// whatever the caller passes; the clock is the caller's.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly McpTestServer _server;

    private BenchmarkServer(McpTestServer server, string[] pipelineSteps)
    {
        _server = server;
        PipelineSteps = pipelineSteps;
    }

    public McpClient Client => _server.Client;

    /// <summary>
    /// The policy the governed calls are decided by: the built-in default policy's rules, with its limits raised
    /// so a benchmark loop is measured, not throttled (the limits are still checked on every call).
    /// </summary>
    public static CompiledPolicy Policy { get; } = PolicyLoader.Load(PolicyText, "built-in default policy, limits raised").Policy
        ?? throw new InvalidOperationException("The benchmark policy does not load.");

    /// <summary>The text of <see cref="Policy"/> (the http-load suite hands it to the server process as its policy file).</summary>
    public static string PolicyText => BuiltInPolicy.Text()
        .Replace("writes_per_user: { max: 60, window: 60s }", "writes_per_user: { max: 100000000, window: 60s }", StringComparison.Ordinal)
        .Replace("distinct_records_per_session: 500", "distinct_records_per_session: 100000000", StringComparison.Ordinal);

    public string[] PipelineSteps { get; }

    /// <summary>Starts the server on a fresh demo CRM in <paramref name="dataFolder"/>.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="audit">The audit trail.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <param name="extra">More server set-up (the governed-path breakdown's probe steps).</param>
    /// <returns>The started server with a connected client.</returns>
    public static async Task<BenchmarkServer> StartAsync(string dataFolder, IAuditTrail audit, TimeProvider time, CancellationToken cancellationToken, Action<IMcpServerBuilder>? extra = null)
    {
        var server = await McpTestServer.StartAsync(
            new McpTestServerOptions
            {
                DataFolder = dataFolder,
                Time = time,
                AuditTrail = audit,
                Logging = LogWarningsToStandardError,
                Services = services =>
                {
                    services.Configure<LocalCallerOptions>(o => o.UserId = "benchmark");
                    services.AddGovernancePolicy(new ActivePolicy(Policy, time));
                },
                ServerOptions = o => o.ServerInfo = new Implementation { Name = "governed-crm-benchmark", Version = "0.1.0" },
                Tools = mcp =>
                {
                    mcp.WithCrmTools().WithTools<BenchmarkTools>().WithTools<BenchmarkWriteTools>();
                    extra?.Invoke(mcp);
                },
                ClientInfo = new Implementation { Name = "governed-crm-benchmark-client", Version = "0.1.0" },
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            // The client's handshake built the server options, so the governance catalog is filled (and an unmarked
            // tool has failed) before the first measured call.
            var catalog = server.Services.GetRequiredService<GovernedToolCatalog>();
            foreach (var tool in new[] { "CRM.GetRecord", "CRM.UpdateRecord" })
            {
                if (!catalog.TryGetGoverned(tool, out _))
                {
                    throw new InvalidOperationException($"Expected {tool} to be governed; the comparison would be meaningless.");
                }
            }

            foreach (var tool in new[] { BenchmarkTools.GetRecordUngoverned, BenchmarkWriteTools.UpdateRecordUngoverned })
            {
                if (!catalog.IsUngoverned(tool))
                {
                    throw new InvalidOperationException($"Expected {tool} to be ungoverned; the comparison would be meaningless.");
                }
            }

            var pipelineSteps = server.Services.GetRequiredService<GovernancePipeline>().Steps.Select(s => s.Name).ToArray();
            return new BenchmarkServer(server, pipelineSteps);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
