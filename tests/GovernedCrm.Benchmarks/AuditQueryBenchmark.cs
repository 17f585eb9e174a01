using GovernedCrm.Audit.Records;
using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Queries;
using GovernedCrm.Audit.Store;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Audit search and record history on a large trail: builds (or reuses, cached in the temp folder by size) a trail of
/// realistic calls (<see cref="AuditQueryWorkload"/>) through the real writer (group commit, signed checkpoints: a
/// valid chain), lets the search index catch up, then times the first page of a record's history (100 entries,
/// oldest first, field-level changes) and of filtered searches (50 entries, newest first) for many random records,
/// users and executions of the default tenant: p50 and p99 of each, in microseconds.
/// </summary>
internal static class AuditQueryBenchmark
{
    private const int Callers = 64;
    private const string CompleteMarker = "complete";

    public static async Task<object> RunAsync(int entries, int samples, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"governedcrm-bench-audit-query-{entries.ToString(CultureInfo.InvariantCulture)}-v1");
        var build = await BuildAsync(folder, entries, cancellationToken).ConfigureAwait(false);
        var paths = AuditPaths.InDataFolder(folder);
        var queries = new AuditQueries(paths.DatabasePath);
        var history = new AuditRecordHistory(queries);
        var workload = new AuditQueryWorkload(seed: 99);
        var random = new Random(7);
        var executions = await SampleExecutionsAsync(paths.DatabasePath, samples, cancellationToken).ConfigureAwait(false);
        var (first, last) = await TimeRangeAsync(paths.DatabasePath, cancellationToken).ConfigureAwait(false);
        IReadOnlySet<string> readTools = new HashSet<string>(StringComparer.Ordinal) { "CRM.GetRecord", "CRM.SearchRecords" };

        await Console.Error.WriteLineAsync($"benchmark: timing {samples} queries of each kind").ConfigureAwait(false);
        var results = new Dictionary<string, object>(StringComparer.Ordinal);
        var pageSizes = new Dictionary<string, double>(StringComparer.Ordinal);

        async Task Measure(string name, Func<int, Task<int>> query)
        {
            for (var i = 0; i < Math.Min(20, samples); i++)
            {
                await query(i).ConfigureAwait(false);
            }

            var micros = new double[samples];
            long returned = 0;
            for (var i = 0; i < samples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                returned += await query(i).ConfigureAwait(false);
                micros[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }

            var stats = LatencyStats.From(name, governed: false, micros);
            results[name] = new { stats.Samples, P50Us = stats.P50, P99Us = stats.P99, MaxUs = stats.Max, AverageEntriesReturned = Math.Round((double)returned / samples, 1) };
        }

        var records = Enumerable.Range(0, samples).Select(_ => workload.Record()).ToArray();
        await Measure("recordHistoryFirstPage", async i =>
            (await history.ReadAsync("default", records[i].ObjectType, records[i].RecordId, 100, null, newestFirst: false, readTools, cancellationToken).ConfigureAwait(false)).Items.Count).ConfigureAwait(false);
        await Measure("recordSearchFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default", ObjectType = records[i].ObjectType, RecordId = records[i].RecordId }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);
        await Measure("searchByActorFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default", Actor = AuditQueryWorkload.User(random.Next(AuditQueryWorkload.UsersPerTenant)) }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);
        await Measure("searchByActorAndEventFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default", Actor = AuditQueryWorkload.User(random.Next(AuditQueryWorkload.UsersPerTenant)), Event = AuditEventType.Executed }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);
        await Measure("searchRareEventFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default", Event = AuditEventType.Rejected }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);
        await Measure("searchByExecutionFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default", ExecutionId = executions[i % executions.Count] }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);
        await Measure("searchByToolInTimeRangeFirstPage", async i =>
        {
            var since = first + TimeSpan.FromTicks((long)((last - first).Ticks * random.NextDouble() * 0.9));
            return (await queries.SearchAsync(new AuditQuery { Chain = "default", Tool = "CRM.UpdateRecord", Since = since, Until = since + TimeSpan.FromMinutes(10) }, cancellationToken).ConfigureAwait(false)).Entries.Count;
        }).ConfigureAwait(false);
        await Measure("searchUnfilteredFirstPage", async i =>
            (await queries.SearchAsync(new AuditQuery { Chain = "default" }, cancellationToken).ConfigureAwait(false)).Entries.Count).ConfigureAwait(false);

        return new
        {
            Suite = BenchmarkOptions.AuditQuery,
            Machine = BenchmarkMachine.Describe(),
            Trail = build,
            PageSizes = new { History = 100, Search = 50 },
            Queries = results,
        };
    }

    // The trail, made once per size and kept in the temp folder: a valid chain written by the real writer, fully indexed.
    private static async Task<object> BuildAsync(string folder, int entries, CancellationToken cancellationToken)
    {
        var paths = AuditPaths.InDataFolder(folder);
        var marker = Path.Combine(folder, CompleteMarker);
        if (File.Exists(marker))
        {
            await Console.Error.WriteLineAsync($"benchmark: reusing the trail in {folder}").ConfigureAwait(false);
            return new { Entries = await CountAsync(paths.DatabasePath, cancellationToken).ConfigureAwait(false), Reused = true, File = folder, Bytes = new FileInfo(paths.DatabasePath).Length };
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        await Console.Error.WriteLineAsync($"benchmark: writing a trail of about {entries} entries through the writer ({Callers} callers)").ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var workload = new AuditQueryWorkload(seed: 20_261_123);
        long queued = 0;
        // Each group commit is stamped 40 ms after the one before: the trail spans hours, as a real one would, so a
        // time range selects part of it.
        var writer = await AuditTrailFactory.OpenAsync(paths, new SteppingClock(TimeSpan.FromMilliseconds(40)), NullLoggerFactory.Instance, tuning: null, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var gate = new object();
            long written = 0;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    List<AuditRecord> call;
                    lock (gate)
                    {
                        if (queued >= entries)
                        {
                            return;
                        }

                        call = workload.NextCall();
                        queued += call.Count;
                    }

                    // One call's entries in order, as the pipeline writes them.
                    foreach (var record in call)
                    {
                        await writer.AppendAsync(record, cancellationToken).ConfigureAwait(false);
                    }

                    if (Interlocked.Add(ref written, call.Count) / 100_000 != (Interlocked.Read(ref written) - call.Count) / 100_000)
                    {
                        await Console.Error.WriteLineAsync($"benchmark:   {Interlocked.Read(ref written)} entries").ConfigureAwait(false);
                    }
                }
            }, cancellationToken))).ConfigureAwait(false);
        }

        var writeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Console.Error.WriteLineAsync("benchmark: indexing the trail").ConfigureAwait(false);
        var indexing = Stopwatch.GetTimestamp();
        await new AuditSearchIndexer(new AuditDatabase(new AuditStoreOptions { DatabasePath = paths.DatabasePath })).CatchUpAsync(cancellationToken).ConfigureAwait(false);
        var indexSeconds = Stopwatch.GetElapsedTime(indexing).TotalSeconds;
        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(marker, "", cancellationToken).ConfigureAwait(false);
        return new
        {
            Entries = await CountAsync(paths.DatabasePath, cancellationToken).ConfigureAwait(false),
            Reused = false,
            File = folder,
            Bytes = new FileInfo(paths.DatabasePath).Length,
            WriteSeconds = Math.Round(writeSeconds, 1),
            IndexSeconds = Math.Round(indexSeconds, 1),
        };
    }

    /// <summary>A clock that moves on by a fixed step every time it is read (timers still run on real time).</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private readonly DateTimeOffset _start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        private long _reads;

        public override DateTimeOffset GetUtcNow() => _start + (step * Interlocked.Increment(ref _reads));
    }

    private static async Task<long> CountAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sum(size) FROM audit_heads";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<List<string>> SampleExecutionsAsync(string databasePath, int count, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT execution_id FROM audit_entries WHERE chain = 'default' AND seq % 997 = 0 LIMIT $count";
        command.Parameters.AddWithValue("$count", count);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<(DateTimeOffset First, DateTimeOffset Last)> TimeRangeAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(ts), max(ts) FROM audit_entries WHERE chain = 'default'";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }
}
