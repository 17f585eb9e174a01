using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Records;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Client;
using Xunit.Abstractions;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// Acceptance test of the audit issue: several real server processes on one data folder extend one linear,
/// verifiable chain, and every call whose result reached its client has all its entries.
/// </summary>
/// <remarks>
/// Under heavy contention one writer can wait past the 5 s busy timeout; the entries of that batch are then lost
/// while the calls still succeed (see <see cref="AuditLockContentionTests"/>), and this test fails with the
/// servers' warning and error lines in its message.
/// </remarks>
[Collection(AuditProcessGroup.Name)]
public sealed class MultiProcessAuditTests(ITestOutputHelper output) : IDisposable
{
    private const int Processes = 4;
    private const int CallersPerProcess = 4;
    private const int TotalCalls = 20_000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallsTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-auditprocess-").FullName;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    [Trait("Category", "Slow")]
    public async Task FourProcesses_SixteenCallers_20000Calls_OneLinearChainWithEveryEntry()
    {
        var clients = new McpClient?[Processes];
        var stderr = Enumerable.Range(0, Processes).Select(p => new StderrTail($"server-{p}")).ToArray();
        try
        {
            // One server creates the data folder first: servers started together on a new folder race to create
            // the CRM database (see ConcurrentFirstStartTests); this test is about the audit chain.
            var startWatch = Stopwatch.StartNew();
            var (initCode, _, initStderr) = await ServerProcess.RunAsync(["--data", Data], ServerLaunch.Environment());
            initCode.Should().Be(0, "the first server should create the data folder: {0}", initStderr);

            // Each SDK client spawns its own server process; the four start together.
            await Task.WhenAll(Enumerable.Range(0, Processes).Select(async p =>
            {
                using var limit = new CancellationTokenSource(StartTimeout);
                try
                {
                    clients[p] = await McpClient.CreateAsync(
                        ServerLaunch.StdioTransport($"server-{p}", Data, stderr[p], StopTimeout), ServerLaunch.ClientOptions, cancellationToken: limit.Token);
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException($"server-{p} did not complete the MCP handshake within {StartTimeout}: {ex.Message}\n{stderr[p]}", ex);
                }
            }));
            output.WriteLine($"data folder created, then {Processes} servers started, in {startWatch.ElapsedMilliseconds} ms");

            var results = new DeliveredCall?[TotalCalls];
            var failures = new string?[TotalCalls];
            var next = -1;
            using var limit = new CancellationTokenSource(CallsTimeout);
            var watch = Stopwatch.StartNew();
            var callers = Enumerable.Range(0, Processes * CallersPerProcess).Select(caller => Task.Run(async () =>
            {
                var client = clients[caller % Processes]!;
                int i;
                while ((i = Interlocked.Increment(ref next)) < TotalCalls && !limit.IsCancellationRequested)
                {
                    var correlation = string.Create(CultureInfo.InvariantCulture, $"mp-{i:D5}");
                    var deal = CrmCalls.Deal(i / 2);
                    try
                    {
                        results[i] = i % 2 == 0
                            ? await CrmCalls.UpdateDealAsync(client, correlation, deal, 1_000 + (i % 997), limit.Token)
                            : await CrmCalls.GetDealAsync(client, correlation, deal, limit.Token);
                    }
#pragma warning disable CA1031 // Every failure is collected and reported by the assertion below.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failures[i] = $"{correlation} via server-{caller % Processes}: {ex.GetType().Name}: {ex.Message}";
                    }
                }
            })).ToArray();
            await Task.WhenAll(callers);
            var callTime = watch.Elapsed;
            output.WriteLine(FormattableString.Invariant(
                $"{TotalCalls} calls from {Processes * CallersPerProcess} callers in {callTime.TotalSeconds:F1} s: {TotalCalls / callTime.TotalSeconds:F0} calls/s, {3 * TotalCalls / callTime.TotalSeconds:F0} entries/s"));

            // Disposing a stdio client closes the server's stdin; the server signs its final checkpoint and exits.
            var stopWatch = Stopwatch.StartNew();
            var exits = await Task.WhenAll(clients.Select((client, p) => StopAsync(client!, stderr[p])));
            output.WriteLine($"stopped in {stopWatch.ElapsedMilliseconds} ms: {string.Join(", ", exits.Select(e => $"pid {e.ProcessId} exit {e.ExitCode}"))}");

            var missing = Enumerable.Range(0, TotalCalls).Where(i => results[i] is null).ToList();
            missing.Should().BeEmpty(
                "every call should get a result within {0}; {1} did not, e.g.:\n{2}\n{3}",
                CallsTimeout, missing.Count, string.Join("\n", missing.Take(10).Select(i => failures[i] ?? $"call {i} never ran (time limit)")),
                string.Join("\n", stderr.Select(s => s.ToString())));
            exits.Select(e => e.ExitCode).Should().AllBeEquivalentTo(0, "each server should exit cleanly when its client closes stdin:\n{0}", string.Join("\n", stderr.Select(s => s.ToString())));

            foreach (var line in stderr.SelectMany(s => s.Problems.Select(p => $"{s.Name}: {p}")).Take(20))
            {
                output.WriteLine(line);
            }

            var verify = await AuditVerifyCli.RunAsync(Data);
            output.WriteLine($"verify: exit {verify.ExitCode} in {verify.Elapsed.TotalMilliseconds:F0} ms: {verify.Stdout.Trim()}");
            verify.ExitCode.Should().Be(0, "verify should accept the chain: {0}{1}", verify.Stdout, verify.Stderr);
            verify.Stdout.Should().StartWith("chain valid: ");

            var ledger = await AuditLedger.ReadAsync(Data, "default", CancellationToken.None);
            output.WriteLine($"entries: {ledger.Entries.Count} ({ledger.Count(AuditEventType.Received)} RECEIVED, " +
                $"{ledger.Count(AuditEventType.Proposed)} PROPOSED, {ledger.Count(AuditEventType.Executed)} EXECUTED, " +
                $"{ledger.Count(AuditEventType.Failed)} FAILED, {ledger.Count(AuditEventType.Denied)} DENIED)");
            var serverProblems = string.Join("\n", stderr.Select(s => s.ToString()));
            var chainProblems = ledger.ChainProblems();
            chainProblems.Should().BeEmpty("the chain should be one linear sequence in write-ahead order: {0}\n{1}", AuditLedger.Describe(chainProblems), serverProblems);
            var callProblems = ledger.DeliveredCallProblems(results.Select(r => r!));
            callProblems.Should().BeEmpty("every delivered call should have RECEIVED, PROPOSED and EXECUTED entries: {0}\n{1}", AuditLedger.Describe(callProblems), serverProblems);
            ledger.Entries.Should().HaveCount(3 * TotalCalls, "three entries per call and no others (nothing lost, nothing extra)");
            verify.Stdout.Should().MatchRegex($"^chain valid: {3 * TotalCalls} entries walked in \\d+ ms");
            (await NewestCheckpointSizeAsync()).Should().Be(3 * TotalCalls, "the servers sign a final checkpoint when they stop, and the last one covers the whole chain");
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                // Idempotent after a clean stop; after a failure it ends the server (killing it after the shutdown timeout).
                await client!.DisposeAsync();
            }
        }
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private static async Task<(int? ProcessId, int? ExitCode)> StopAsync(McpClient client, StderrTail stderr)
    {
        await client.DisposeAsync();
        ClientCompletionDetails details;
        try
        {
            details = await client.Completion.WaitAsync(StopTimeout + TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the client's session did not complete after it was disposed.\n{stderr}");
        }

        var stdio = details.Should().BeOfType<StdioClientCompletionDetails>().Subject;
        return (stdio.ProcessId, stdio.ExitCode);
    }

    private async Task<long> NewestCheckpointSizeAsync()
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(Data, "audit.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(size) FROM audit_checkpoints WHERE chain = 'default'";
        return await command.ExecuteScalarAsync() is long size ? size : 0;
    }
}
