using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;
using GovernedCrm.Audit.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Durable append throughput and latency: the real AuditWriter (a real SQLite file in WAL mode, group commit,
/// each group acknowledged only after the WAL is flushed to disk, a signed checkpoint every 1000 entries written
/// to the database and the fsynced anchor file), with many concurrent callers each awaiting its own
/// acknowledgement (given only after the durable commit). The writer is warmed up until the JIT is quiet, then
/// timed over several rounds on the same file; the median round is the figure, the others show the spread a
/// shared machine adds.
/// </summary>
internal static class AuditAppendBenchmark
{
    private const int WarmupRecordsPerCaller = 20;

    /// <summary>Warm-up slices run until one compiles at most this many methods (tiered compilation has settled).</summary>
    private const int QuietJitMethods = 10;

    private const int MinWarmupSlices = 3;
    private const int MaxWarmupSlices = 20;
    private static readonly TimeSpan WarmupSlice = TimeSpan.FromSeconds(1);

    public static async Task<object> RunAsync(string folder, int entriesPerRound, int rounds, int callers, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var paths = AuditPaths.InDataFolder(folder);
        var perCaller = Math.Max(entriesPerRound / callers, 1);
        var perRound = perCaller * callers;

        // Records are made up front, so the timed loops measure appends only; every round appends the same records.
        var generator = new RealisticAuditRecords(seed: 64);
        var records = Enumerable.Range(0, callers).Select(_ => Enumerable.Range(0, perCaller + WarmupRecordsPerCaller).Select(_ => generator.Next()).ToArray()).ToArray();
        var latencies = Enumerable.Range(0, callers).Select(_ => new double[perCaller * rounds]).ToArray();
        var roundRates = new double[rounds];
        var roundCpu = new object?[rounds];

        var writer = await AuditTrailFactory.OpenAsync(paths, time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        (int Gen0, int Gen1, int Gen2) gc;
        (long Methods, TimeSpan Time) jit;
        long warmupEntries = 0;
        var warmupSlices = 0;
        await using (writer.ConfigureAwait(false))
        {
            // Tiered compilation promotes hot methods only after they have run a while; on two cores a JIT still
            // compiling during the timed rounds takes CPU from the appends, which a long-running server no longer pays.
            await Console.Error.WriteLineAsync("benchmark: warming up until the JIT is quiet").ConfigureAwait(false);
            while (warmupSlices < MaxWarmupSlices)
            {
                var compiledBefore = JitInfo.GetCompiledMethodCount();
                warmupEntries += await WarmupSliceAsync(writer, records, perCaller, cancellationToken).ConfigureAwait(false);
                warmupSlices++;
                if (warmupSlices >= MinWarmupSlices && JitInfo.GetCompiledMethodCount() - compiledBefore <= QuietJitMethods)
                {
                    break;
                }
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var jitBefore = (Methods: JitInfo.GetCompiledMethodCount(), Time: JitInfo.GetCompilationTime());
            for (var round = 0; round < rounds; round++)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"benchmark: round {round + 1}/{rounds}: appending {perRound} entries from {callers} concurrent callers")).ConfigureAwait(false);

                // The clock starts before the callers do: started after Task.Run, it would miss the appends that ran meanwhile.
                var offset = round * perCaller;
                var cpuBefore = CpuTimes.Read();
                var started = Stopwatch.GetTimestamp();
                var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(
                    async () =>
                    {
                        var mine = records[c];
                        var times = latencies[c];
                        for (var i = 0; i < perCaller; i++)
                        {
                            var before = Stopwatch.GetTimestamp();
                            await writer.AppendAsync(mine[i], cancellationToken).ConfigureAwait(false);
                            times[offset + i] = (Stopwatch.GetTimestamp() - before) * 1_000_000.0 / Stopwatch.Frequency;
                        }
                    },
                    cancellationToken)).ToArray();
                await Task.WhenAll(tasks).ConfigureAwait(false);
                roundRates[round] = Math.Round(perRound / Stopwatch.GetElapsedTime(started).TotalSeconds);
                roundCpu[round] = CpuTimes.Between(cpuBefore, CpuTimes.Read());
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"benchmark: round {round + 1}/{rounds}: {roundRates[round]} entries/s")).ConfigureAwait(false);
            }

            gc = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
            jit = (JitInfo.GetCompiledMethodCount() - jitBefore.Methods, JitInfo.GetCompilationTime() - jitBefore.Time);
        }

        // Everything acknowledged must be there and verify.
        using var key = AuditSigningKey.LoadOrCreate(paths.KeyFilePath, AuditTrailFactory.KeyName);
        var report = await AuditVerifier.VerifyAsync(paths.DatabasePath, key.VerifierKey, paths.AnchorPath, tenant: null, progress: null, cancellationToken).ConfigureAwait(false);
        var expected = ((long)perRound * rounds) + warmupEntries;
        if (!report.Valid || report.Entries != expected)
        {
            throw new InvalidOperationException($"The appended log does not verify with {expected} entries: {report.Summary}");
        }

        var stats = LatencyStats.From("AuditWriter.AppendAsync", governed: true, latencies.SelectMany(l => l).ToArray());
        var sortedRates = roundRates.Order().ToArray();
        var median = LatencyStats.Percentile(sortedRates, 50);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"benchmark: median round {median} entries/s")).ConfigureAwait(false);
        return new
        {
            Benchmark = "audit-append: durable group-commit throughput and latency with concurrent callers",
            TimestampUtc = BenchmarkMachine.UtcStamp(time),
            Machine = BenchmarkMachine.Describe(),
            Writer = "AuditWriter via AuditTrailFactory defaults: real SQLite file in WAL mode, one BEGIN IMMEDIATE transaction per group (at most 512 entries), committed with synchronous = NORMAL and acknowledged only after the writer's own flush (fsync) of the WAL file that covers the commit (the durability of synchronous = FULL, with the next group's inserts overlapping the flush), the WAL checkpointed and restarted every 4096 entries, a checkpoint signed every 1000 entries and stored in the database and the fsynced anchor file",
            Callers = callers,
            Rounds = rounds,
            EntriesPerRound = perRound,
            EntriesPerCaller = perCaller * rounds,
            WarmupEntries = warmupEntries,
            WarmupSeconds = warmupSlices * WarmupSlice.TotalSeconds,
            Records = "realistic governed-call records (RECEIVED, PROPOSED, EXECUTED), made before the timed rounds",
            EntriesPerSecond = median,
            EntriesPerSecondByRound = roundRates,
            CpuByRound = roundCpu,
            EntriesPerSecondMin = sortedRates[0],
            EntriesPerSecondMax = sortedRates[^1],
            Unit = "microseconds per append (call to acknowledgement after the durable commit), over every timed round",
            Latency = new { stats.Samples, stats.Min, stats.Mean, stats.P50, stats.P90, stats.P99, stats.Max },
            Target = new { EntriesPerSecondAtLeast = 50_000, Judged = "on the median round", Met = median >= 50_000 },
            Verified = new { report.Valid, report.Entries, report.Checkpoints },
            GcCollectionsDuringRounds = new { Gen0 = gc.Gen0, Gen1 = gc.Gen1, Gen2 = gc.Gen2 },
            JitDuringRounds = new { jit.Methods, Milliseconds = Math.Round(jit.Time.TotalMilliseconds, 1) },
        };
    }

    /// <summary>Every caller appends warm-up records in turn for one slice; returns how many entries were appended.</summary>
    private static async Task<long> WarmupSliceAsync(AuditWriter writer, Audit.Records.AuditRecord[][] records, int perCaller, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var counts = new long[records.Length];
        await Task.WhenAll(Enumerable.Range(0, records.Length).Select(c => Task.Run(
            async () =>
            {
                for (var i = 0; Stopwatch.GetElapsedTime(started) < WarmupSlice; i++)
                {
                    await writer.AppendAsync(records[c][perCaller + (i % WarmupRecordsPerCaller)], cancellationToken).ConfigureAwait(false);
                    counts[c]++;
                }
            },
            cancellationToken))).ConfigureAwait(false);
        return counts.Sum();
    }
}
