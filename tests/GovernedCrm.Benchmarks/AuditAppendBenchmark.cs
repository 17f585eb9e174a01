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
/// acknowledgement (given only after the durable commit).
/// </summary>
internal static class AuditAppendBenchmark
{
    private const int WarmupPerCaller = 20;

    /// <summary>
    /// The warm-up keeps appending for at least this long: tiered compilation promotes the hot methods only after
    /// they have run for a while, and on two cores a background JIT still compiling during the timed loop takes
    /// CPU from the appends. A long-running server is past that point; the report shows how much JIT work still
    /// fell inside the timed loop.
    /// </summary>
    private static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(3);

    public static async Task<object> RunAsync(string folder, int entries, int callers, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var paths = AuditPaths.InDataFolder(folder);
        var perCaller = Math.Max(entries / callers, 1);
        var total = perCaller * callers;

        // Records are made up front, so the timed loop measures appends only.
        var generator = new RealisticAuditRecords(seed: 64);
        var records = Enumerable.Range(0, callers).Select(_ => Enumerable.Range(0, perCaller + WarmupPerCaller).Select(_ => generator.Next()).ToArray()).ToArray();
        var latencies = Enumerable.Range(0, callers).Select(_ => new double[perCaller]).ToArray();

        var writer = await AuditTrailFactory.OpenAsync(paths, time, NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed;
        (int Gen0, int Gen1, int Gen2) gc;
        (long Methods, TimeSpan Time) jit;
        long warmupEntries;
        await using (writer.ConfigureAwait(false))
        {
            await Console.Error.WriteLineAsync($"benchmark: warming up (at least {WarmupDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s)").ConfigureAwait(false);
            var warmupStarted = Stopwatch.GetTimestamp();
            var warmupCounts = new long[callers];
            await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(
                async () =>
                {
                    // The warm-up records are appended in turn until the warm-up time is over.
                    for (var i = 0; i < WarmupPerCaller || Stopwatch.GetElapsedTime(warmupStarted) < WarmupDuration; i++)
                    {
                        await writer.AppendAsync(records[c][perCaller + (i % WarmupPerCaller)], cancellationToken).ConfigureAwait(false);
                        warmupCounts[c]++;
                    }
                },
                cancellationToken))).ConfigureAwait(false);

            warmupEntries = warmupCounts.Sum();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Console.Error.WriteLineAsync($"benchmark: appending {total.ToString(CultureInfo.InvariantCulture)} entries from {callers.ToString(CultureInfo.InvariantCulture)} concurrent callers").ConfigureAwait(false);
            var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var jitBefore = (Methods: JitInfo.GetCompiledMethodCount(), Time: JitInfo.GetCompilationTime());

            // The clock starts before the callers do: started after Task.Run, it missed the appends that ran meanwhile.
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
                        times[i] = (Stopwatch.GetTimestamp() - before) * 1_000_000.0 / Stopwatch.Frequency;
                    }
                },
                cancellationToken)).ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            elapsed = Stopwatch.GetElapsedTime(started);
            gc = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
            jit = (JitInfo.GetCompiledMethodCount() - jitBefore.Methods, JitInfo.GetCompilationTime() - jitBefore.Time);
        }

        // Everything acknowledged must be there and verify.
        using var key = AuditSigningKey.LoadOrCreate(paths.KeyFilePath, AuditTrailFactory.KeyName);
        var report = await AuditVerifier.VerifyAsync(paths.DatabasePath, key.VerifierKey, paths.AnchorPath, tenant: null, progress: null, cancellationToken).ConfigureAwait(false);
        var expected = total + warmupEntries;
        if (!report.Valid || report.Entries != expected)
        {
            throw new InvalidOperationException($"The appended log does not verify with {expected} entries: {report.Summary}");
        }

        var all = latencies.SelectMany(l => l).ToArray();
        var stats = LatencyStats.From("AuditWriter.AppendAsync", governed: true, all);
        var throughput = Math.Round(total / elapsed.TotalSeconds);
        await Console.Error.WriteLineAsync($"benchmark: {throughput.ToString(CultureInfo.InvariantCulture)} entries/s").ConfigureAwait(false);
        return new
        {
            Benchmark = "audit-append: durable group-commit throughput and latency with concurrent callers",
            TimestampUtc = BenchmarkMachine.UtcStamp(time),
            Machine = BenchmarkMachine.Describe(),
            Writer = "AuditWriter via AuditTrailFactory defaults: real SQLite file in WAL mode, one BEGIN IMMEDIATE transaction per group (at most 512 entries), committed with synchronous = NORMAL and acknowledged only after the writer's own flush (fsync) of the WAL file that covers the commit (the durability of synchronous = FULL, with the next group's inserts overlapping the flush), a checkpoint signed every 1000 entries and stored in the database and the fsynced anchor file",
            Callers = callers,
            Entries = total,
            EntriesPerCaller = perCaller,
            WarmupEntries = warmupEntries,
            WarmupSeconds = WarmupDuration.TotalSeconds,
            Records = "realistic governed-call records (RECEIVED, PROPOSED, EXECUTED), made before the timed loop",
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            EntriesPerSecond = throughput,
            Unit = "microseconds per append (call to acknowledgement after the durable commit)",
            Latency = new { stats.Samples, stats.Min, stats.Mean, stats.P50, stats.P90, stats.P99, stats.Max },
            Target = new { EntriesPerSecondAtLeast = 50_000, Met = throughput >= 50_000 },
            Verified = new { report.Valid, report.Entries, report.Checkpoints },
            GcCollectionsDuringRun = new { Gen0 = gc.Gen0, Gen1 = gc.Gen1, Gen2 = gc.Gen2 },
            JitDuringRun = new { jit.Methods, Milliseconds = Math.Round(jit.Time.TotalMilliseconds, 1) },
        };
    }
}
