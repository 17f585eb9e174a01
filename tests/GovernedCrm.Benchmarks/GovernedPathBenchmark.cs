using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Measures what the governed path costs: CRM.GetRecord against an ungoverned copy of the same tool on the same
/// in-process MCP server, in the same run, interleaved. Both calls write the RECEIVED audit entry (every
/// tools/call does); the governed one also writes PROPOSED and EXECUTED and runs the pipeline.
/// </summary>
internal static class GovernedPathBenchmark
{
    private const string GovernedTool = "CRM.GetRecord";
    private const string ObjectType = "deal";

    // A seeded default-tenant deal, so both tools do a real indexed read and return the full record.
    private static readonly string RecordId = DemoDataSeed.FirstDealId.ToString(CultureInfo.InvariantCulture);

    public static async Task<object> RunAsync(string dataFolder, int iterations, int warmup, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;

        // The real audit trail (SQLite, FULL sync, group commit, signed checkpoints), as governed-crm runs it.
        var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(dataFolder), time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using var auditScope = audit.ConfigureAwait(false);
        var server = await BenchmarkServer.StartAsync(dataFolder, new GovernedCrm.Hosting.Adapters.AuditWriterTrail(audit), time, cancellationToken).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            return await MeasureAsync(server.Client, iterations, warmup, server.PipelineSteps, time, cancellationToken).ConfigureAwait(false);
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
            TimestampUtc = BenchmarkMachine.UtcStamp(time),
            Transport = "in-process MCP client/server over System.IO.Pipelines streams (JSON-RPC serialization included)",
            Iterations = iterations,
            WarmupIterations = warmup,
            Order = "interleaved pairs; which tool goes first alternates every pair",
            Call = new { ObjectType, RecordId },
            GovernedPipeline = pipelineSteps,
            Policy = new { BenchmarkServer.Policy.SourceName, BenchmarkServer.Policy.Version },
            Unit = "microseconds per round trip (client send to client receive)",
            Machine = BenchmarkMachine.Describe(),
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

    internal static string Describe(CallToolResult result) =>
        result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text ?? "(no text content)";
}
