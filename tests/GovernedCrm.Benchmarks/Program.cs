using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp;
using GovernedCrm.Mcp.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Measures what the governed path costs: CRM.GetRecord against an ungoverned copy of the same tool on the same
/// in-process MCP server, in the same run, interleaved. Prints one JSON object on stdout; progress goes to stderr.
/// </summary>
internal static class Program
{
    private const string GovernedTool = "CRM.GetRecord";
    private const string ObjectType = "deal";

    // A seeded default-tenant deal, so both tools do a real indexed read and return the full record.
    private static readonly string RecordId = DemoDataSeed.FirstDealId.ToString(CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static async Task<int> Main(string[] args)
    {
        if (!TryParse(args, out var iterations, out var warmup, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            await Console.Error.WriteLineAsync("usage: GovernedCrm.Benchmarks [--iterations N] [--warmup N]").ConfigureAwait(false);
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var folder = Directory.CreateTempSubdirectory("governedcrm-bench-");
        try
        {
            var report = await RunAsync(folder.FullName, iterations, warmup, cancellation.Token).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson)).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("benchmark: cancelled").ConfigureAwait(false);
            return 130;
        }
        finally
        {
            // Pooled connections keep the database and its WAL files open, which would block deleting them.
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<object> RunAsync(string dataFolder, int iterations, int warmup, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(dataFolder, EmbeddedCrmOptions.FileName) });
        await database.InitializeAsync(time, cancellationToken).ConfigureAwait(false);

        // The real audit trail (SQLite, FULL sync, group commit, signed checkpoints), as governed-crm runs it.
        var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(dataFolder), time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using var auditScope = audit.ConfigureAwait(false);

        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        LogWarningsToStandardError(builder.Logging);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();
        builder.Services.AddSingleton<IAuditTrail>(audit);
        builder.Services.Configure<LocalCallerOptions>(o => o.UserId = "benchmark");
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "governed-crm-benchmark", Version = "0.1.0" })
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithCrmTools()
            .WithTools<BenchmarkTools>();

        using var host = builder.Build();

        // Builds the server options now, as governed-crm does at startup, so the governance catalog is filled
        // (and an unmarked tool fails) before the first call rather than during it.
        _ = host.Services.GetRequiredService<IOptions<McpServerOptions>>().Value;
        var catalog = host.Services.GetRequiredService<GovernedToolCatalog>();
        if (!catalog.TryGetGoverned(GovernedTool, out _) || !catalog.IsUngoverned(BenchmarkTools.GetRecordUngoverned))
        {
            throw new InvalidOperationException($"Expected {GovernedTool} to be governed and {BenchmarkTools.GetRecordUngoverned} ungoverned; the comparison would be meaningless.");
        }

        var pipelineSteps = host.Services.GetRequiredService<GovernancePipeline>().Steps.Select(s => s.Name).ToArray();

        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await McpClient.CreateAsync(
                new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
                new McpClientOptions { ClientInfo = new Implementation { Name = "governed-crm-benchmark-client", Version = "0.1.0" } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                return await MeasureAsync(client, iterations, warmup, pipelineSteps, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<object> MeasureAsync(
        McpClient client, int iterations, int warmup, string[] pipelineSteps, TimeProvider time, CancellationToken cancellationToken)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["objectType"] = ObjectType,
            ["recordId"] = RecordId,
        };

        // Both tools must succeed with the same record, or the ratio would compare different work.
        var governedResult = await client.CallToolAsync(GovernedTool, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var baselineResult = await client.CallToolAsync(BenchmarkTools.GetRecordUngoverned, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var governedJson = governedResult.StructuredContent?.GetRawText();
        if (governedResult.IsError == true || baselineResult.IsError == true || governedJson is null
            || !string.Equals(governedJson, baselineResult.StructuredContent?.GetRawText(), StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The two tools do not return the same record. {GovernedTool}: {Describe(governedResult)}; {BenchmarkTools.GetRecordUngoverned}: {Describe(baselineResult)}");
        }

        await Console.Error.WriteLineAsync($"benchmark: warming up ({warmup.ToString(CultureInfo.InvariantCulture)} pairs)").ConfigureAwait(false);
        var warmupGoverned = new double[warmup];
        var warmupBaseline = new double[warmupGoverned.Length];
        await RunPairsAsync(client, arguments, warmupGoverned, warmupBaseline, cancellationToken).ConfigureAwait(false);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        await Console.Error.WriteLineAsync($"benchmark: measuring ({iterations.ToString(CultureInfo.InvariantCulture)} pairs)").ConfigureAwait(false);
        var governed = new double[iterations];
        var baseline = new double[iterations];
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var started = Stopwatch.GetTimestamp();
        await RunPairsAsync(client, arguments, governed, baseline, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var governedStats = LatencyStats.From(GovernedTool, governed: true, governed);
        var baselineStats = LatencyStats.From(BenchmarkTools.GetRecordUngoverned, governed: false, baseline);
        var pairedDifferences = governed.Zip(baseline, (g, b) => g - b).Order().ToArray();
        var governedSorted = governed.Order().ToArray();
        var baselineSorted = baseline.Order().ToArray();
        double At(double[] sorted, double percent) => LatencyStats.Percentile(sorted, percent);

        await Console.Error.WriteLineAsync($"benchmark: done in {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s").ConfigureAwait(false);
        return new
        {
            Benchmark = "governed-path-overhead: CRM.GetRecord vs the same read as an ungoverned tool",
            TimestampUtc = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Transport = "in-process MCP client/server over System.IO.Pipelines streams (JSON-RPC serialization included)",
            Iterations = iterations,
            WarmupIterations = warmup,
            Order = "interleaved pairs; which tool goes first alternates every pair",
            Call = new { ObjectType, RecordId },
            GovernedPipeline = pipelineSteps,
            Unit = "microseconds per round trip (client send to client receive)",
            Machine = new
            {
                Environment.ProcessorCount,
                OsDescription = RuntimeInformation.OSDescription,
                OsArchitecture = RuntimeInformation.OSArchitecture.ToString(),
                ProcessArchitecture = RuntimeInformation.ProcessArchitecture.ToString(),
                DotnetVersion = RuntimeInformation.FrameworkDescription,
                ServerGc = GCSettings.IsServerGC,
                Configuration = BuildConfiguration,
            },
            Governed = governedStats,
            Ungoverned = baselineStats,
            Ratio = new
            {
                P50 = Ratio(At(governedSorted, 50), At(baselineSorted, 50)),
                P99 = Ratio(At(governedSorted, 99), At(baselineSorted, 99)),
                Mean = Ratio(governed.Average(), baseline.Average()),
            },
            AddedCostMicroseconds = new
            {
                P50 = LatencyStats.Round(At(governedSorted, 50) - At(baselineSorted, 50)),
                P99 = LatencyStats.Round(At(governedSorted, 99) - At(baselineSorted, 99)),
                Mean = LatencyStats.Round(governed.Average() - baseline.Average()),

                // Each pair ran back to back, so the median of per-pair differences is less sensitive to drift over the run.
                MedianPairedDifference = LatencyStats.Round(At(pairedDifferences, 50)),
            },
            GcCollectionsDuringRun = new
            {
                Gen0 = GC.CollectionCount(0) - gcBefore.Gen0,
                Gen1 = GC.CollectionCount(1) - gcBefore.Gen1,
                Gen2 = GC.CollectionCount(2) - gcBefore.Gen2,
            },
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 2),
        };
    }

    private static async Task RunPairsAsync(
        McpClient client, Dictionary<string, object?> arguments, double[] governed, double[] baseline, CancellationToken cancellationToken)
    {
        var progressEvery = Math.Max(governed.Length / 4, 1);
        for (var i = 0; i < governed.Length; i++)
        {
            // Alternating which tool goes first cancels out any advantage of running right after the other
            // (warm caches, a pooled connection just returned), and interleaving spreads machine noise evenly.
            if (i % 2 == 0)
            {
                governed[i] = await TimeCallAsync(client, GovernedTool, arguments, cancellationToken).ConfigureAwait(false);
                baseline[i] = await TimeCallAsync(client, BenchmarkTools.GetRecordUngoverned, arguments, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                baseline[i] = await TimeCallAsync(client, BenchmarkTools.GetRecordUngoverned, arguments, cancellationToken).ConfigureAwait(false);
                governed[i] = await TimeCallAsync(client, GovernedTool, arguments, cancellationToken).ConfigureAwait(false);
            }

            if ((i + 1) % progressEvery == 0 && governed.Length >= 100)
            {
                await Console.Error.WriteLineAsync($"benchmark:   {(i + 1).ToString(CultureInfo.InvariantCulture)}/{governed.Length.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            }
        }
    }

    private static async Task<double> TimeCallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{tool} failed during the run: {Describe(result)}");
        }

        return (end - start) * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static double Ratio(double governed, double baseline) => Math.Round(governed / baseline, 3, MidpointRounding.AwayFromZero);

    private static string Describe(CallToolResult result) =>
        result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text ?? "(no text content)";

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

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

    private static bool TryParse(string[] args, out int iterations, out int warmup, out string error)
    {
        iterations = 2000;
        warmup = 200;
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is not ("--iterations" or "--warmup"))
            {
                error = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value < (name == "--iterations" ? 1 : 0))
            {
                error = $"{name} needs a whole number ({(name == "--iterations" ? "at least 1" : "0 or more")})";
                return false;
            }

            i++;
            if (name == "--iterations")
            {
                iterations = value;
            }
            else
            {
                warmup = value;
            }
        }

        return true;
    }
}
