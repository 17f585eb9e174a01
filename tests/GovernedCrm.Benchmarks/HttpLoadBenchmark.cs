using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The http-load suite: the real <c>governed-crm serve --http</c> as a child process (<see cref="HttpLoadServer"/>),
/// N concurrent Streamable HTTP sessions (<see cref="HttpLoadSession"/>: the C# SDK client, one bearer token each,
/// one call at a time, 80% reads and 20% writes), for a fixed time, in alternating phases of governed tools and of
/// their ungoverned copies (in the order U G G U U G G U ..., so a drift of the machine's speed hits both alike).
/// For each mode: calls per second, round-trip p50/p99, the server's CPU time per call (/proc/PID/stat), its
/// resident set, the audit entries per call and per durable flush (fsync/fdatasync calls of the server, counted by
/// perf where it can), and an upper bound of entries per group commit from the audit database.
/// </summary>
internal static class HttpLoadBenchmark
{
    private const double SliceSecondsTarget = 5;
    private const double WarmupSecondsPerMode = 10;
    private const int SettleMilliseconds = 300;

    public static async Task<object> RunAsync(string folder, int sessions, int seconds, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var loadBefore = LoadAverage.Read();
        await Console.Error.WriteLineAsync("benchmark: starting governed-crm serve --http").ConfigureAwait(false);
        await using var server = await HttpLoadServer.StartAsync(folder, cancellationToken).ConfigureAwait(false);
        var started = server.WorkingSetMegabytes();

        await Console.Error.WriteLineAsync($"benchmark: connecting {sessions.ToString(CultureInfo.InvariantCulture)} sessions").ConfigureAwait(false);
        var clients = new List<HttpLoadSession>(sessions);
        try
        {
            for (var i = 0; i < sessions; i++)
            {
                clients.Add(await HttpLoadSession.ConnectAsync(server, i, cancellationToken).ConfigureAwait(false));
            }

            await CheckToolsAsync(clients[0], cancellationToken).ConfigureAwait(false);

            await Console.Error.WriteLineAsync("benchmark: warming up (both modes)").ConfigureAwait(false);
            foreach (var governed in (bool[])[false, true])
            {
                var warm = await RunSliceAsync(server, clients, governed, WarmupSecondsPerMode, cancellationToken).ConfigureAwait(false);
                if (warm.Errors.Count > 0)
                {
                    throw new InvalidOperationException($"Warm-up calls failed ({warm.Errors.Count.ToString(CultureInfo.InvariantCulture)}), e.g. {warm.Errors[0]}\nserver log:\n{Tail(server.StandardError)}");
                }
            }

            var slicesPerMode = Math.Max(1, (int)Math.Round(seconds / SliceSecondsTarget));
            var sliceSeconds = (double)seconds / slicesPerMode;
            var slices = new List<Slice>();
            for (var k = 0; k < 2 * slicesPerMode; k++)
            {
                var governed = k % 4 is 1 or 2;
                await Console.Error.WriteLineAsync($"benchmark: slice {(k + 1).ToString(CultureInfo.InvariantCulture)}/{(2 * slicesPerMode).ToString(CultureInfo.InvariantCulture)} ({(governed ? "governed" : "ungoverned")}, {sliceSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s)").ConfigureAwait(false);
                slices.Add(await RunSliceAsync(server, clients, governed, sliceSeconds, cancellationToken).ConfigureAwait(false));
            }

            var governedMode = Summary(slices.Where(s => s.Governed).ToList());
            var ungovernedMode = Summary(slices.Where(s => !s.Governed).ToList());
            var ratio = governedMode.CallsPerSecond / ungovernedMode.CallsPerSecond;
            var governedP99Ms = governedMode.Latency.All.P99 / 1000;
            return new
            {
                Benchmark = "http-load: governed-crm serve --http as a child process, concurrent Streamable HTTP sessions, 80% reads / 20% writes, governed tools against ungoverned copies of the same tools in alternating phases",
                TimestampUtc = BenchmarkMachine.UtcStamp(time),
                Machine = BenchmarkMachine.Describe(),
                LoadAverage = new { Before = loadBefore, After = LoadAverage.Read() },
                Server = new
                {
                    Command = "dotnet governed-crm.dll serve --http --urls http://127.0.0.1:PORT --jwt-issuer ISSUER --jwt-keys JWKS --data TEMP --policy BENCHMARK-POLICY --tools GovernedCrm.Benchmarks.LoadTools.dll",
                    Authentication = "a bearer token (RS256 JWT from the test kit's stand-in issuer) per session, each its own subject, a rep in the default tenant; validated by the server on every request",
                    Policy = "the built-in default policy with its rate limits raised (still evaluated on every call)",
                    Ungoverned = $"{HttpLoadSession.UngovernedRead} and {HttpLoadSession.UngovernedWrite}: the bodies of CRM.GetRecord and CRM.UpdateRecord, [UngovernedTool(reason)] in the benchmark's tools assembly; the server still writes and waits for their RECEIVED audit entry",
                    WorkingSetAtStartMegabytes = started.Current,
                    PeakWorkingSetMegabytes = server.WorkingSetMegabytes().Peak,
                    LogLines = server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
                },
                Workload = new
                {
                    Sessions = sessions,
                    HttpLoadSession.ReadPercent,
                    Reads = "CRM.GetRecord of a random contact or deal (or its ungoverned copy)",
                    Writes = "CRM.UpdateRecord of a random contact's phone number, which needs no approval (or its ungoverned copy)",
                    ThinkTime = "none: each session calls again as soon as its answer arrives",
                    SecondsPerMode = seconds,
                    SlicesPerMode = slicesPerMode,
                    SliceSeconds = Math.Round(sliceSeconds, 2),
                    Order = string.Concat(slices.Select(s => s.Governed ? 'G' : 'U')),
                    WarmupSecondsPerMode,
                },
                Governed = governedMode,
                Ungoverned = ungovernedMode,
                GovernedAgainstUngoverned = new
                {
                    CallsPerSecond = Math.Round(ratio, 3),
                    P50 = Math.Round(governedMode.Latency.All.P50 / ungovernedMode.Latency.All.P50, 3),
                    P99 = Math.Round(governedMode.Latency.All.P99 / ungovernedMode.Latency.All.P99, 3),
                    ServerCpuPerCall = governedMode.ServerCpuMicrosecondsPerCall is { } g && ungovernedMode.ServerCpuMicrosecondsPerCall is { } u && u > 0 ? Math.Round(g / u, 3) : (double?)null,
                },
                Targets = new
                {
                    GovernedCallsPerSecondAtLeastTimesUngoverned = 0.75,
                    GovernedP99MillisecondsAtMost = 15,
                    CallsPerSecondMet = ratio >= 0.75,
                    P99Met = governedP99Ms <= 15,
                },
                Slices = slices.Select(s => new
                {
                    Mode = s.Governed ? "governed" : "ungoverned",
                    Seconds = Math.Round(s.Seconds, 3),
                    Calls = s.Calls.Count,
                    CallsPerSecond = Math.Round(s.Calls.Count / s.Seconds, 1),
                    P50 = Math.Round(LatencyStats.Percentile(Sorted(s.Calls.Select(c => c.Microseconds)), 50), 1),
                    P99 = Math.Round(LatencyStats.Percentile(Sorted(s.Calls.Select(c => c.Microseconds)), 99), 1),
                    ServerCpuSeconds = Math.Round(s.ServerCpuSeconds, 3),
                    ServerJitThreadCpuSeconds = Math.Round(s.ServerJitCpuSeconds, 3),
                    ClientCpuSeconds = Math.Round(s.ClientCpuSeconds, 3),
                    s.AuditEntries,
                    s.DurableFlushes,
                    s.ServerWorkingSetMegabytes,
                }).ToArray(),
                DurableFlushCounting = slices.Select(s => s.FlushCounterUnavailable).FirstOrDefault(u => u is not null) ?? "perf stat on the syscalls:sys_enter_fdatasync and sys_enter_fsync tracepoints of the server process, per slice",
            };
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task CheckToolsAsync(HttpLoadSession client, CancellationToken cancellationToken)
    {
        var tools = await client.ToolNamesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var tool in (string[])["CRM.GetRecord", "CRM.UpdateRecord", HttpLoadSession.UngovernedRead, HttpLoadSession.UngovernedWrite])
        {
            if (!tools.Contains(tool, StringComparer.Ordinal))
            {
                throw new InvalidOperationException($"The server does not list {tool}; the comparison would be meaningless.");
            }
        }
    }

    private sealed record Slice(
        bool Governed, double Seconds, List<HttpLoadSession.Call> Calls, List<string> Errors, double ServerCpuSeconds, double ServerJitCpuSeconds, double ClientCpuSeconds,
        long AuditEntries, long CommitMilliseconds, long? DurableFlushes, string? FlushCounterUnavailable, double ServerWorkingSetMegabytes);

    /// <summary>Every session calls until the slice's time is up; the slice ends when the last call started in it has its answer.</summary>
    private static async Task<Slice> RunSliceAsync(HttpLoadServer server, List<HttpLoadSession> clients, bool governed, double seconds, CancellationToken cancellationToken)
    {
        await Task.Delay(SettleMilliseconds, cancellationToken).ConfigureAwait(false);
        using var flushes = DurableFlushCounter.TryStart(server.ProcessId, out var unavailable);
        var entriesBefore = await AuditSizeAsync(server, cancellationToken).ConfigureAwait(false);
        var serverCpu = server.CpuSeconds();
        var jitCpu = server.JitThreadCpuSeconds();
        var clientCpu = ClientCpuSeconds();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(seconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(governed, deadline, cancellationToken), cancellationToken))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        serverCpu = server.CpuSeconds() - serverCpu;
        jitCpu = server.JitThreadCpuSeconds() - jitCpu;
        clientCpu = ClientCpuSeconds() - clientCpu;
        var flushCount = flushes?.Stop();
        var entriesAfter = await AuditSizeAsync(server, cancellationToken).ConfigureAwait(false);
        var commitMillis = await CommitMillisecondsAsync(server, entriesBefore, entriesAfter, cancellationToken).ConfigureAwait(false);
        var calls = results.SelectMany(r => r).ToList();
        var errors = calls.Where(c => c.Error is not null).Select(c => c.Error!).ToList();
        return new Slice(governed, elapsed, calls, errors, serverCpu, jitCpu, clientCpu, entriesAfter - entriesBefore, commitMillis, flushCount, unavailable, server.WorkingSetMegabytes().Current);
    }

    private sealed record Mode(
        int Calls, int Errors, string? FirstError, double Seconds, double CallsPerSecond, Latencies Latency, double? ServerCpuMicrosecondsPerCall, double ServerJitThreadCpuSeconds,
        double ClientCpuMicrosecondsPerCall, double ServerWorkingSetMegabytesMax, long AuditEntries, double EntriesPerCall, long? DurableFlushes,
        double? EntriesPerDurableFlush, double EntriesPerCommitAtMost, string EntriesPerCommitAtMostNote);

    private sealed record Latencies(string Unit, LatencyStats All, LatencyStats? Reads, LatencyStats? Writes);

    private static Mode Summary(List<Slice> slices)
    {
        var calls = slices.SelectMany(s => s.Calls).ToList();
        var errors = slices.SelectMany(s => s.Errors).ToList();
        var seconds = slices.Sum(s => s.Seconds);
        var entries = slices.Sum(s => s.AuditEntries);
        var flushes = slices.All(s => s.DurableFlushes is not null) ? slices.Sum(s => s.DurableFlushes!.Value) : (long?)null;
        var governed = slices[0].Governed;
        var label = governed ? "governed" : "ungoverned";
        return new Mode(
            calls.Count,
            errors.Count,
            errors.FirstOrDefault(),
            Math.Round(seconds, 3),
            Math.Round(calls.Count / seconds, 1),
            new Latencies(
                "microseconds, round trip as the client sees it",
                LatencyStats.From(label, governed, [.. calls.Select(c => c.Microseconds)]),
                Stats(label + " reads", governed, calls.Where(c => !c.Write)),
                Stats(label + " writes", governed, calls.Where(c => c.Write))),
            calls.Count > 0 ? Math.Round(slices.Sum(s => s.ServerCpuSeconds) * 1e6 / calls.Count, 1) : null,
            Math.Round(slices.Sum(s => s.ServerJitCpuSeconds), 3),
            calls.Count > 0 ? Math.Round(slices.Sum(s => s.ClientCpuSeconds) * 1e6 / calls.Count, 1) : 0,
            slices.Max(s => s.ServerWorkingSetMegabytes),
            entries,
            calls.Count > 0 ? Math.Round((double)entries / calls.Count, 3) : 0,
            flushes,
            flushes is > 0 ? Math.Round((double)entries / flushes.Value, 2) : null,
            Math.Round((double)entries / Math.Max(1, slices.Sum(s => s.CommitMilliseconds)), 2),
            "audit entries / distinct commit timestamps: one group commit stamps all its entries with one millisecond, so this is an upper bound (two commits in one millisecond count once)");
    }

    private static LatencyStats? Stats(string label, bool governed, IEnumerable<HttpLoadSession.Call> calls)
    {
        var values = calls.Select(c => c.Microseconds).ToArray();
        return values.Length > 0 ? LatencyStats.From(label, governed, values) : null;
    }

    private static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array.Length > 0 ? array : [0];
    }

    private static double ClientCpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>How many entries the default chain (every session's tenant) holds, from the head the writer commits with each group.</summary>
    private static async Task<long> AuditSizeAsync(HttpLoadServer server, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(AuditPaths.InDataFolder(server.DataFolder).DatabasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce((SELECT size FROM audit_heads WHERE chain = 'default'), 0)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The distinct commit timestamps of the entries a slice added (the default chain: every session's tenant).</summary>
    private static async Task<long> CommitMillisecondsAsync(HttpLoadServer server, long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(AuditPaths.InDataFolder(server.DataFolder).DatabasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(DISTINCT ts) FROM audit_entries WHERE chain = 'default' AND seq >= $from AND seq < $to";
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
