using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Benchmark console app. Suites: governed-path (the default: CRM.GetRecord against an ungoverned copy of the
/// same tool), audit-verify (full verification of a large realistic log against the floor of reading and
/// hashing its bodies once), audit-append (durable group-commit throughput with concurrent callers) and
/// audit-overhead (what auditing adds to one governed tool call), policy (decision time of the rule-based
/// policy and its limiter), audit-query (search and record history on a 1,000,000-entry trail, not part of all:
/// its trail is cached in the temp folder), http-load (the real server over HTTP under concurrent sessions, governed
/// against ungoverned tools; not part of all: it starts a server process on a loopback port), or all of them. Prints one JSON object on
/// stdout; progress goes to stderr. Never run as a timed unit test.
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static async Task<int> Main(string[] args)
    {
        if (!BenchmarkOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(BenchmarkOptions.Usage).ConfigureAwait(false);
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
            var report = await RunAsync(options, folder.FullName, cancellation.Token).ConfigureAwait(false);
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

    private static async Task<object> RunAsync(BenchmarkOptions options, string folder, CancellationToken cancellationToken)
    {
        switch (options.Suite)
        {
            case BenchmarkOptions.GovernedPath:
                return await GovernedPath().ConfigureAwait(false);
            case BenchmarkOptions.AuditVerify:
                return await Verify().ConfigureAwait(false);
            case BenchmarkOptions.AuditAppend:
                return await Append().ConfigureAwait(false);
            case BenchmarkOptions.AuditOverhead:
                return await Overhead().ConfigureAwait(false);
            case BenchmarkOptions.Policy:
                return await PolicyBenchmark.RunAsync(options.Evaluations, options.PolicyWarmup).ConfigureAwait(false);
            case BenchmarkOptions.AuditQuery:
                return await AuditQueryBenchmark.RunAsync(options.QueryEntries, options.QuerySamples, cancellationToken).ConfigureAwait(false);
            case BenchmarkOptions.HttpLoad:
                return await InFolder(BenchmarkOptions.HttpLoad, path => HttpLoadBenchmark.RunAsync(path, options.Sessions, options.Seconds, cancellationToken)).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync("benchmark: suite governed-path").ConfigureAwait(false);
                var governedPath = await GovernedPath().ConfigureAwait(false);
                await Console.Error.WriteLineAsync("benchmark: suite audit-overhead").ConfigureAwait(false);
                var overhead = await Overhead().ConfigureAwait(false);
                await Console.Error.WriteLineAsync("benchmark: suite audit-append").ConfigureAwait(false);
                var append = await Append().ConfigureAwait(false);
                await Console.Error.WriteLineAsync("benchmark: suite audit-verify").ConfigureAwait(false);
                var verify = await Verify().ConfigureAwait(false);
                await Console.Error.WriteLineAsync("benchmark: suite policy").ConfigureAwait(false);
                var policy = await PolicyBenchmark.RunAsync(options.Evaluations, options.PolicyWarmup).ConfigureAwait(false);
                return new
                {
                    Suite = BenchmarkOptions.All,
                    GovernedPath = governedPath,
                    AuditOverhead = overhead,
                    AuditAppend = append,
                    AuditVerify = verify,
                    Policy = policy,
                };
        }

        // Each suite gets its own folder, deleted as soon as it is done (the verify suite's log is large).
        async Task<object> InFolder(string name, Func<string, Task<object>> run)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(path);
            try
            {
                return await run(path).ConfigureAwait(false);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(path, recursive: true);
            }
        }

        Task<object> GovernedPath() => InFolder(BenchmarkOptions.GovernedPath, path => GovernedPathBenchmark.RunAsync(path, options.Iterations, options.Warmup, options.Rounds, cancellationToken));
        Task<object> Verify() => InFolder(BenchmarkOptions.AuditVerify, path => AuditVerifyBenchmark.RunAsync(path, options.VerifyEntries, options.SmallEntries, options.Rounds, cancellationToken));
        Task<object> Append() => InFolder(BenchmarkOptions.AuditAppend, path => AuditAppendBenchmark.RunAsync(path, options.AppendEntries, options.Rounds, options.Callers, cancellationToken));
        Task<object> Overhead() => InFolder(BenchmarkOptions.AuditOverhead, path => AuditOverheadBenchmark.RunAsync(path, options.Iterations, options.Warmup, cancellationToken));
    }
}
