using System.Diagnostics;
using System.Text.Json;
using System.Globalization;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Hosting.Adapters;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Measures what the governed path costs, for a read (CRM.GetRecord) and a write (CRM.UpdateRecord of a deal's
/// amount, which needs no approval), each against two baselines in the same run, interleaved: the same call as an
/// ungoverned tool on the same server (its only audit is the RECEIVED entry every tools/call gets and waits for:
/// the cost of merely recording a call; the <c>ratio</c> and <c>addedCostMicroseconds</c> fields compare against
/// it, as before), and the same ungoverned call on a second server whose audit trail writes nothing (no audit at
/// all). The disk's fdatasync time on the data folder is sampled in the same loop, and a third server with probe
/// steps gives a per-step time and allocation breakdown.
/// </summary>
internal static class GovernedPathBenchmark
{
    private const string GovernedRead = "CRM.GetRecord";
    private const string GovernedWrite = "CRM.UpdateRecord";
    private const string ObjectType = "deal";
    private const int BreakdownCalls = 300;
    private const int AllocationCalls = 300;

    // A seeded default-tenant deal, so every read tool does a real indexed read and returns the full record.
    private static readonly string RecordId = DemoDataSeed.FirstDealId.ToString(CultureInfo.InvariantCulture);

    // Another seeded deal (2,500) for the writes: amounts stay far below the 50,000 that needs a manager's approval.
    private static readonly string WriteRecordId = (DemoDataSeed.FirstDealId + 1).ToString(CultureInfo.InvariantCulture);

    private static readonly JsonElement[] Amounts = [.. Enumerable.Range(0, 500).Select(i => JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["amount"] = 1_000 + i }))];

    public static async Task<object> RunAsync(string dataFolder, int iterations, int warmup, int rounds, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        rounds = Math.Clamp(rounds, 1, Math.Max(iterations, 1));
        var loadBefore = LoadAverage();

        // The real audit trail (SQLite, group commit, WAL flush, signed checkpoints), as governed-crm runs it.
        var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(dataFolder), time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using var auditScope = audit.ConfigureAwait(false);
        var server = await BenchmarkServer.StartAsync(dataFolder, new AuditWriterTrail(audit), time, cancellationToken).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);

        // The same server with an audit trail that writes nothing: the same read and write with no audit at all.
        var bare = await BenchmarkServer.StartAsync(Subfolder(dataFolder, "no-audit"), new NoOpAuditTrail(), time, cancellationToken).ConfigureAwait(false);
        await using var bareScope = bare.ConfigureAwait(false);

        var reads = new[]
        {
            new GovernedPathCall("governed", server.Client, GovernedRead, _ => ReadArguments(), IsWrite: false),
            new GovernedPathCall("one durable entry", server.Client, BenchmarkTools.GetRecordUngoverned, _ => ReadArguments(), IsWrite: false),
            new GovernedPathCall("no audit", bare.Client, BenchmarkTools.GetRecordUngoverned, _ => ReadArguments(), IsWrite: false),
        };
        var writes = new[]
        {
            new GovernedPathCall("governed", server.Client, GovernedWrite, WriteArguments, IsWrite: true),
            new GovernedPathCall("one durable entry", server.Client, BenchmarkWriteTools.UpdateRecordUngoverned, WriteArguments, IsWrite: true),
            new GovernedPathCall("no audit", bare.Client, BenchmarkWriteTools.UpdateRecordUngoverned, WriteArguments, IsWrite: true),
        };
        await CheckSameRecordAsync(reads, cancellationToken).ConfigureAwait(false);

        using var disk = new FdatasyncProbe(dataFolder);
        await Console.Error.WriteLineAsync($"benchmark: warming up ({warmup.ToString(CultureInfo.InvariantCulture)} iterations)").ConfigureAwait(false);
        await RunAsync(reads, writes, disk, new Samples(warmup), 0, warmup, cancellationToken).ConfigureAwait(false);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        await Console.Error.WriteLineAsync($"benchmark: measuring ({iterations.ToString(CultureInfo.InvariantCulture)} iterations of 3 reads, 3 writes and one {FdatasyncProbe.Call}, in {rounds.ToString(CultureInfo.InvariantCulture)} rounds)").ConfigureAwait(false);
        var samples = new Samples(iterations);
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var started = Stopwatch.GetTimestamp();
        var perRound = new List<object>();
        for (var round = 0; round < rounds; round++)
        {
            var from = iterations * round / rounds;
            var to = iterations * (round + 1) / rounds;
            await RunAsync(reads, writes, disk, samples, from, to, cancellationToken).ConfigureAwait(false);
            perRound.Add(samples.RoundSummary(from, to));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var gc = new { Gen0 = GC.CollectionCount(0) - gcBefore.Gen0, Gen1 = GC.CollectionCount(1) - gcBefore.Gen1, Gen2 = GC.CollectionCount(2) - gcBefore.Gen2 };
        var loadAfter = LoadAverage();

        await Console.Error.WriteLineAsync($"benchmark: allocations ({AllocationCalls.ToString(CultureInfo.InvariantCulture)} calls of each)").ConfigureAwait(false);
        var allocations = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var call in reads.Concat(writes))
        {
            allocations[$"{call.Tool} ({call.Name})"] = await AllocatedPerCallAsync(call, cancellationToken).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync($"benchmark: per-step breakdown ({BreakdownCalls.ToString(CultureInfo.InvariantCulture)} calls of each governed tool)").ConfigureAwait(false);
        var breakdown = await BreakdownAsync(Subfolder(dataFolder, "breakdown"), server.PipelineSteps, time, cancellationToken).ConfigureAwait(false);

        await Console.Error.WriteLineAsync($"benchmark: done in {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s").ConfigureAwait(false);
        var fdatasyncP50 = Median(samples.Fdatasync);
        var read = Compare(samples.Reads, GovernedRead, BenchmarkTools.GetRecordUngoverned);
        var write = Compare(samples.Writes, GovernedWrite, BenchmarkWriteTools.UpdateRecordUngoverned);
        return new
        {
            Benchmark = "governed-path-overhead: CRM.GetRecord and CRM.UpdateRecord, governed vs the same call with one durable audit entry vs with no audit",
            TimestampUtc = BenchmarkMachine.UtcStamp(time),
            Transport = "in-process MCP client/server over System.IO.Pipelines streams (JSON-RPC serialization included)",
            Iterations = iterations,
            WarmupIterations = warmup,
            Rounds = rounds,
            Order = $"each iteration: the three reads, then the three writes, each in an order that rotates every iteration, then one {FdatasyncProbe.Call} sample",
            Call = new { ObjectType, RecordId, WriteRecordId, WriteProperty = "amount (1,000 to 1,499: no approval)" },
            GovernedPipeline = server.PipelineSteps,
            Policy = new { BenchmarkServer.Policy.SourceName, BenchmarkServer.Policy.Version },
            Unit = "microseconds per round trip (client send to client receive)",
            Machine = BenchmarkMachine.Describe(),
            LoadAverage = new { Before = loadBefore, After = loadAfter },

            // As before: the governed read against the same read with one durable audit entry (RECEIVED) it waits for.
            read.Governed,
            read.Ungoverned,
            read.Ratio,
            read.AddedCostMicroseconds,

            // New: the same read with no audit at all, and the write.
            read.NoAudit,
            OverheadVsNoAudit = read.OverheadVsNoAudit,
            Write = write,
            Fdatasync = new
            {
                Call = FdatasyncProbe.Call,
                What = "one 4 KB write into a preallocated file in the data folder, then the flush (timed)",
                Stats = LatencyStats.From(FdatasyncProbe.Call, governed: false, [.. samples.Fdatasync]),
            },
            Targets = new
            {
                ReadOverheadVsNoAudit = Target("governed read p50 - no-audit read p50 <= fdatasync p50 + 150 us", read.P50Overhead, fdatasyncP50 + 150),
                RatioP50 = Target("governed read p50 / one-durable-entry read p50 <= 1.3", read.Ratio.P50, 1.3),
                WriteOverheadVsNoAudit = Target("governed write p50 - no-audit write p50 <= 2 x fdatasync p50 + 200 us", write.P50Overhead, (2 * fdatasyncP50) + 200),
            },
            PerRound = perRound,
            AllocatedBytesPerCall = allocations,
            Breakdown = breakdown,
            GcCollectionsDuringRun = gc,
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 2),
        };
    }

    internal static string Describe(CallToolResult result) =>
        result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text ?? "(no text content)";

    private static Dictionary<string, object?> ReadArguments() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["objectType"] = ObjectType,
        ["recordId"] = RecordId,
    };

    private static Dictionary<string, object?> WriteArguments(int i) => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["objectType"] = ObjectType,
        ["recordId"] = WriteRecordId,
        ["properties"] = Amounts[i % Amounts.Length],
        ["reason"] = "benchmark",
    };

    // All three reads must return the same record, or the comparison would be between different work.
    private static async Task CheckSameRecordAsync(GovernedPathCall[] reads, CancellationToken cancellationToken)
    {
        string? first = null;
        foreach (var read in reads)
        {
            var result = await read.Client.CallToolAsync(read.Tool, read.Arguments(0), cancellationToken: cancellationToken).ConfigureAwait(false);
            read.Check(result);
            var json = result.StructuredContent?.GetRawText();
            if (json is null || (first is not null && !string.Equals(json, first, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"The read tools do not return the same record: {read.Name} ({read.Tool}) gave {Describe(result)}");
            }

            first = json;
        }
    }

    private static async Task RunAsync(GovernedPathCall[] reads, GovernedPathCall[] writes, FdatasyncProbe disk, Samples samples, int from, int to, CancellationToken cancellationToken)
    {
        var progressEvery = Math.Max(samples.Count / 4, 1);
        for (var i = from; i < to; i++)
        {
            // Rotating which call goes first cancels out any advantage of running right after another (warm caches,
            // a flush just finished), and interleaving spreads machine noise evenly over the three.
            for (var k = 0; k < 3; k++)
            {
                var which = (i + k) % 3;
                samples.Reads[which][i] = await reads[which].TimeAsync(i, cancellationToken).ConfigureAwait(false);
            }

            for (var k = 0; k < 3; k++)
            {
                var which = (i + k) % 3;
                samples.Writes[which][i] = await writes[which].TimeAsync(i, cancellationToken).ConfigureAwait(false);
            }

            samples.Fdatasync[i] = disk.Sample();
            if ((i + 1) % progressEvery == 0 && samples.Count >= 100)
            {
                await Console.Error.WriteLineAsync($"benchmark:   {(i + 1).ToString(CultureInfo.InvariantCulture)}/{samples.Count.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            }
        }
    }

    // Bytes allocated in the whole process (client, server, audit writer) per call, over a run of calls of one kind.
    private static async Task<long> AllocatedPerCallAsync(GovernedPathCall call, CancellationToken cancellationToken)
    {
        await call.TimeAsync(0, cancellationToken).ConfigureAwait(false);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < AllocationCalls; i++)
        {
            await call.TimeAsync(i, cancellationToken).ConfigureAwait(false);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / AllocationCalls;
    }

    // A server with a probe after every step (its own data folder and audit trail): median time and allocation per step.
    private static async Task<object> BreakdownAsync(string folder, string[] steps, TimeProvider time, CancellationToken cancellationToken)
    {
        var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(folder), time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using var auditScope = audit.ConfigureAwait(false);
        var probe = new PipelineProbe();
        var server = await BenchmarkServer.StartAsync(folder, new AuditWriterTrail(audit), time, cancellationToken, mcp => probe.AddTo(mcp, steps)).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var call in new[]
        {
            new GovernedPathCall("governed", server.Client, GovernedRead, _ => ReadArguments(), IsWrite: false),
            new GovernedPathCall("governed", server.Client, GovernedWrite, WriteArguments, IsWrite: true),
        })
        {
            var segments = new Dictionary<string, (List<double> Micros, List<long> Bytes)>(StringComparer.Ordinal);
            var order = new List<string>();
            for (var i = 0; i < BreakdownCalls + 50; i++)
            {
                probe.Start();
                await call.TimeAsync(i, cancellationToken).ConfigureAwait(false);
                var marks = probe.Finish();
                if (i < 50)
                {
                    continue;
                }

                foreach (var (segment, micros, bytes) in marks)
                {
                    if (!segments.TryGetValue(segment, out var lists))
                    {
                        lists = ([], []);
                        segments[segment] = lists;
                        order.Add(segment);
                    }

                    lists.Micros.Add(micros);
                    if (bytes is { } b)
                    {
                        lists.Bytes.Add(b);
                    }
                }
            }

            result[call.Tool] = order.Select(s => new
            {
                Segment = s,
                MedianMicroseconds = LatencyStats.Round(Median(segments[s].Micros)),
                MedianAllocatedBytes = segments[s].Bytes.Count == 0 ? (long?)null : (long)Median([.. segments[s].Bytes.Select(b => (double)b)]),
                SameThreadSamples = segments[s].Bytes.Count,
            }).ToArray();
        }

        return new
        {
            What = "median per segment of the governed call on a server with a probe step after every pipeline step; bytes are what the calling thread allocated in the segment (only samples that stayed on one thread)",
            Calls = BreakdownCalls,
            Segments = result,
        };
    }

    private static Comparison Compare(double[][] samples, string governedTool, string baselineTool)
    {
        var (governed, baseline, bare) = (samples[0], samples[1], samples[2]);
        double P(double[] values, double percent) => LatencyStats.Percentile([.. values.Order()], percent);
        double Paired(double[] a, double[] b) => LatencyStats.Round(Median([.. a.Zip(b, (x, y) => x - y)]));
        return new Comparison(
            LatencyStats.From(governedTool, governed: true, governed),
            LatencyStats.From(baselineTool, governed: false, baseline),
            LatencyStats.From($"{baselineTool} (no audit)", governed: false, bare),
            new RatioFigures(Ratio(P(governed, 50), P(baseline, 50)), Ratio(P(governed, 99), P(baseline, 99)), Ratio(governed.Average(), baseline.Average())),
            new
            {
                P50 = LatencyStats.Round(P(governed, 50) - P(baseline, 50)),
                P99 = LatencyStats.Round(P(governed, 99) - P(baseline, 99)),
                Mean = LatencyStats.Round(governed.Average() - baseline.Average()),

                // Each set ran back to back, so the median of per-iteration differences is less sensitive to drift over the run.
                MedianPairedDifference = Paired(governed, baseline),
            },
            new
            {
                P50 = LatencyStats.Round(P(governed, 50) - P(bare, 50)),
                P99 = LatencyStats.Round(P(governed, 99) - P(bare, 99)),
                MedianPairedDifference = Paired(governed, bare),
                OneDurableEntryP50 = LatencyStats.Round(P(baseline, 50) - P(bare, 50)),
            },
            LatencyStats.Round(P(governed, 50) - P(bare, 50)));
    }

    private static object Target(string rule, double measured, double limit) => new
    {
        Rule = rule,
        Measured = Math.Round(measured, 3),
        Limit = Math.Round(limit, 3),
        Met = measured <= limit,
    };

    private static double Ratio(double governed, double baseline) => Math.Round(governed / baseline, 3, MidpointRounding.AwayFromZero);

    private static double Median(IReadOnlyCollection<double> values) => LatencyStats.Percentile([.. values.Order()], 50);

    private static string Subfolder(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(path);
        return path;
    }

    // The load average (1, 5, 15 minutes) as the kernel reports it, so figures from a busy machine can be told apart.
    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private sealed record RatioFigures(double P50, double P99, double Mean);

    private sealed record Comparison(
        LatencyStats Governed, LatencyStats Ungoverned, LatencyStats NoAudit, RatioFigures Ratio, object AddedCostMicroseconds, object OverheadVsNoAudit, double P50Overhead);

    /// <summary>The round trips of one run: reads and writes (governed, one durable entry, no audit) and the disk's flushes.</summary>
    private sealed class Samples(int count)
    {
        public int Count { get; } = count;

        public double[][] Reads { get; } = [new double[count], new double[count], new double[count]];

        public double[][] Writes { get; } = [new double[count], new double[count], new double[count]];

        public double[] Fdatasync { get; } = new double[count];

        public object RoundSummary(int from, int to)
        {
            double P50(double[] values) => LatencyStats.Round(Median(values[from..to]));
            return new
            {
                Iterations = to - from,
                ReadP50 = new { Governed = P50(Reads[0]), OneDurableEntry = P50(Reads[1]), NoAudit = P50(Reads[2]) },
                WriteP50 = new { Governed = P50(Writes[0]), OneDurableEntry = P50(Writes[1]), NoAudit = P50(Writes[2]) },
                FdatasyncP50 = P50(Fdatasync),
            };
        }
    }
}
