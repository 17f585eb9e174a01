using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// What auditing adds to one governed tool call: CRM.GetRecord and CRM.UpdateRecord round trips through two
/// identical in-process MCP servers (same governance pipeline, each with its own fresh demo CRM database), one
/// with the real audit trail (AuditWriter: SQLite, FULL sync, group commit, signed checkpoints) and one with
/// <see cref="NoOpAuditTrail"/>, the labelled baseline that acknowledges entries without writing. Calls are
/// interleaved in one run and the order alternates every pair.
/// </summary>
internal static class AuditOverheadBenchmark
{
    private const string GetRecord = "CRM.GetRecord";
    private const string UpdateRecord = "CRM.UpdateRecord";

    private static readonly string RecordId = DemoDataSeed.FirstDealId.ToString(CultureInfo.InvariantCulture);

    public static async Task<object> RunAsync(string folder, int iterations, int warmup, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var auditedFolder = Path.Combine(folder, "audited");
        var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(auditedFolder), time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using var auditScope = audit.ConfigureAwait(false);
        var noop = new NoOpAuditTrail();
        var audited = await BenchmarkServer.StartAsync(auditedFolder, new GovernedCrm.Hosting.Adapters.AuditWriterTrail(audit), time, cancellationToken).ConfigureAwait(false);
        await using var auditedScope = audited.ConfigureAwait(false);
        var baseline = await BenchmarkServer.StartAsync(Path.Combine(folder, "baseline"), noop, time, cancellationToken).ConfigureAwait(false);
        await using var baselineScope = baseline.ConfigureAwait(false);

        // The same read must return the same record from both servers, or the comparison would be of different work.
        var read = ReadArguments();
        var auditedRead = await audited.Client.CallToolAsync(GetRecord, read, cancellationToken: cancellationToken).ConfigureAwait(false);
        var baselineRead = await baseline.Client.CallToolAsync(GetRecord, read, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (auditedRead.IsError == true || baselineRead.IsError == true
            || !string.Equals(auditedRead.StructuredContent?.GetRawText(), baselineRead.StructuredContent?.GetRawText(), StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The two servers do not return the same record: {GovernedPathBenchmark.Describe(auditedRead)} / {GovernedPathBenchmark.Describe(baselineRead)}");
        }

        var entriesBefore = noop.Appended;
        await Console.Error.WriteLineAsync($"benchmark: warming up ({warmup.ToString(CultureInfo.InvariantCulture)} rounds)").ConfigureAwait(false);
        await RunAsync(audited.Client, baseline.Client, new Samples(warmup), cancellationToken).ConfigureAwait(false);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        await Console.Error.WriteLineAsync($"benchmark: measuring ({iterations.ToString(CultureInfo.InvariantCulture)} rounds)").ConfigureAwait(false);
        var samples = new Samples(iterations);
        var started = Stopwatch.GetTimestamp();
        await RunAsync(audited.Client, baseline.Client, samples, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var entriesPerCall = (double)(noop.Appended - entriesBefore) / (2L * (warmup + iterations));

        return new
        {
            Benchmark = "audit-overhead: one governed tool call with the real audit trail vs the same server with a no-op audit trail (baseline)",
            TimestampUtc = BenchmarkMachine.UtcStamp(time),
            Machine = BenchmarkMachine.Describe(),
            Transport = "in-process MCP client/server over System.IO.Pipelines streams (JSON-RPC serialization included)",
            Audited = "AuditWriter via AuditTrailFactory defaults: SQLite file, WAL, group commit acknowledged after the WAL flush (durable as synchronous = FULL), checkpoint signed every 1000 entries",
            Baseline = "NoOpAuditTrail: BASELINE ONLY, acknowledges every entry without writing it (exists only in the benchmark)",
            GovernedPipeline = audited.PipelineSteps,
            Policy = new { BenchmarkServer.Policy.SourceName, BenchmarkServer.Policy.Version },
            AuditEntriesPerCall = Math.Round(entriesPerCall, 2),
            Iterations = iterations,
            WarmupIterations = warmup,
            Order = "each round calls GetRecord then UpdateRecord on both servers; which server goes first alternates every round",
            Unit = "microseconds per round trip (client send to client receive)",
            GetRecord = Compare(GetRecord, samples.AuditedRead, samples.BaselineRead),
            UpdateRecord = Compare(UpdateRecord, samples.AuditedWrite, samples.BaselineWrite),
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 2),
        };
    }

    private static object Compare(string tool, double[] audited, double[] baseline)
    {
        var auditedSorted = audited.Order().ToArray();
        var baselineSorted = baseline.Order().ToArray();
        var paired = audited.Zip(baseline, (a, b) => a - b).Order().ToArray();
        double At(double[] sorted, double percent) => LatencyStats.Percentile(sorted, percent);
        return new
        {
            WithAudit = LatencyStats.From(tool, governed: true, audited),
            NoOpAuditBaseline = LatencyStats.From(tool, governed: true, baseline),
            AddedByAuditingMicroseconds = new
            {
                P50 = LatencyStats.Round(At(auditedSorted, 50) - At(baselineSorted, 50)),
                P99 = LatencyStats.Round(At(auditedSorted, 99) - At(baselineSorted, 99)),
                Mean = LatencyStats.Round(audited.Average() - baseline.Average()),
                MedianPairedDifference = LatencyStats.Round(At(paired, 50)),
            },
        };
    }

    private static async Task RunAsync(McpClient audited, McpClient baseline, Samples samples, CancellationToken cancellationToken)
    {
        var read = ReadArguments();
        var progressEvery = Math.Max(samples.Length / 4, 1);
        for (var i = 0; i < samples.Length; i++)
        {
            var write = WriteArguments(i);
            if (i % 2 == 0)
            {
                samples.AuditedRead[i] = await TimeCallAsync(audited, GetRecord, read, cancellationToken).ConfigureAwait(false);
                samples.BaselineRead[i] = await TimeCallAsync(baseline, GetRecord, read, cancellationToken).ConfigureAwait(false);
                samples.AuditedWrite[i] = await TimeCallAsync(audited, UpdateRecord, write, cancellationToken).ConfigureAwait(false);
                samples.BaselineWrite[i] = await TimeCallAsync(baseline, UpdateRecord, write, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                samples.BaselineRead[i] = await TimeCallAsync(baseline, GetRecord, read, cancellationToken).ConfigureAwait(false);
                samples.AuditedRead[i] = await TimeCallAsync(audited, GetRecord, read, cancellationToken).ConfigureAwait(false);
                samples.BaselineWrite[i] = await TimeCallAsync(baseline, UpdateRecord, write, cancellationToken).ConfigureAwait(false);
                samples.AuditedWrite[i] = await TimeCallAsync(audited, UpdateRecord, write, cancellationToken).ConfigureAwait(false);
            }

            if ((i + 1) % progressEvery == 0 && samples.Length >= 100)
            {
                await Console.Error.WriteLineAsync($"benchmark:   {(i + 1).ToString(CultureInfo.InvariantCulture)}/{samples.Length.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            }
        }
    }

    private static Dictionary<string, object?> ReadArguments() => new(StringComparer.Ordinal)
    {
        ["objectType"] = "deal",
        ["recordId"] = RecordId,
    };

    private static Dictionary<string, object?> WriteArguments(int i) => new(StringComparer.Ordinal)
    {
        ["objectType"] = "deal",
        ["recordId"] = RecordId,
        ["properties"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["amount"] = 20_000 + (i % 100 * 250) },
        ["reason"] = "Customer confirmed the new budget on today's call",
        ["confidence"] = 0.9,
    };

    private static async Task<double> TimeCallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{tool} failed during the run: {GovernedPathBenchmark.Describe(result)}");
        }

        return (end - start) * 1_000_000.0 / Stopwatch.Frequency;
    }

    private sealed class Samples(int length)
    {
        public int Length => length;

        public double[] AuditedRead { get; } = new double[length];

        public double[] BaselineRead { get; } = new double[length];

        public double[] AuditedWrite { get; } = new double[length];

        public double[] BaselineWrite { get; } = new double[length];
    }
}
