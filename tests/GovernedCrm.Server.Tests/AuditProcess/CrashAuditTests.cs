using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Records;
using Xunit.Abstractions;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// Acceptance test of the audit issue: a server SIGKILLed during sustained writes loses no entry of a call whose
/// result reached the client, never records an outcome without its write-ahead entry, and leaves a chain that
/// verifies and that the next process extends.
/// </summary>
[Collection(AuditProcessGroup.Name)]
public sealed class CrashAuditTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 20;
    private const int Callers = 4;
    private const int Seed = 20_260_611;
    private const int MinKillDelayMs = 50;
    private const int MaxKillDelayMs = 400;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CallersTimeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-auditcrash-").FullName;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Sigkill_DuringSustainedWrites_20Rounds_DeliveredCallsKeepTheirEntriesAndChainVerifies()
    {
        var random = new Random(Seed);
        var delivered = new List<DeliveredCall>();
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            var delay = random.Next(MinKillDelayMs, MaxKillDelayMs + 1);
            var (calls, callsWhileAlive) = await RunRoundAsync(round, delay);
            delivered.AddRange(calls);
            callsWhileAlive.Should().BeEmpty("no call should fail before the kill in round {0}: {1}", round, string.Join("\n", callsWhileAlive.Take(10)));

            var verify = await AuditVerifyCli.RunAsync(Data);
            verify.ExitCode.Should().Be(0, "verify should accept the chain after the SIGKILL of round {0}: {1}{2}", round, verify.Stdout, verify.Stderr);
            verify.Stdout.Should().StartWith("chain valid: ");

            var ledger = await AuditLedger.ReadAsync(Data, "default", CancellationToken.None);
            output.WriteLine(
                FormattableString.Invariant($"round {round,2}: killed after {delay,3} ms, {calls.Count,4} results delivered; chain {ledger.Entries.Count,6} entries, ") +
                FormattableString.Invariant($"{ledger.ProposedWithoutOutcome(),3} PROPOSED without outcome so far; verify {verify.Elapsed.TotalMilliseconds:F0} ms: {verify.Stdout.Split('\n')[0]}"));
            var chainProblems = ledger.ChainProblems();
            chainProblems.Should().BeEmpty("after round {0} the chain should be linear in write-ahead order: {1}", round, AuditLedger.Describe(chainProblems));
            var callProblems = ledger.DeliveredCallProblems(delivered);
            callProblems.Should().BeEmpty("after round {0} every delivered call should have its entries: {1}", round, AuditLedger.Describe(callProblems));
            ledger.Count(AuditEventType.Failed).Should().Be(0, "no write should fail");
            ledger.Count(AuditEventType.Denied).Should().Be(0, "no write should be denied");
        }

        output.WriteLine(FormattableString.Invariant($"{Rounds} rounds, {delivered.Count} delivered writes, {watch.Elapsed.TotalSeconds:F1} s"));
        delivered.Should().NotBeEmpty("the rounds should deliver some writes before their kills, or the test proves nothing");
    }

    public void Dispose() => TempFolder.Delete(_folder);

    /// <summary>Starts a server, writes from several callers, SIGKILLs it <paramref name="killDelayMs"/> after the first write is acknowledged.</summary>
    /// <returns>The calls whose results arrived, and the calls that failed while the server was still alive.</returns>
    private async Task<(List<DeliveredCall> Delivered, List<string> FailedWhileAlive)> RunRoundAsync(int round, int killDelayMs)
    {
        var delivered = new ConcurrentQueue<DeliveredCall>();
        var failedWhileAlive = new ConcurrentQueue<string>();
        var killed = 0;
        await using var child = await McpServerChild.StartAsync($"round-{round}", Data, StartTimeout);
        using var stop = new CancellationTokenSource();
        var firstResult = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var correlation = string.Create(CultureInfo.InvariantCulture, $"crash-r{round:D2}-c{caller}-{n:D5}");
                try
                {
                    delivered.Enqueue(await CrmCalls.UpdateDealAsync(child.Client, correlation, CrmCalls.Deal((caller * 10) + n), 1_000 + n, stop.Token));
                    firstResult.TrySetResult();
                }
#pragma warning disable CA1031 // After the kill every call fails, whatever the exception; before it, each failure is reported.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (Volatile.Read(ref killed) == 0)
                    {
                        failedWhileAlive.Enqueue($"{correlation}: {ex.GetType().Name}: {ex.Message}");
                    }

                    return;
                }
            }
        })).ToArray();

        // The delay runs from the first acknowledged write, so every kill lands in sustained writing, not in startup.
        Task warm;
        try
        {
            warm = await Task.WhenAny(firstResult.Task, Task.WhenAll(callers)).WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"round {round}: no write was acknowledged within {StartTimeout}.\n{child.StderrTail}");
        }

        if (warm != firstResult.Task)
        {
            throw new InvalidOperationException($"round {round}: the callers stopped before any write completed: {string.Join("\n", failedWhileAlive)}\n{child.StderrTail}");
        }

        await Task.Delay(killDelayMs);
        Volatile.Write(ref killed, 1);
        child.Kill();
        await child.WaitForExitAsync(ExitTimeout);

        // The calls in flight end when the transport sees the pipe close; the token is only a backstop.
        stop.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await Task.WhenAll(callers).WaitAsync(CallersTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"round {round}: the callers did not finish within {CallersTimeout} after the SIGKILL.\n{child.StderrTail}");
        }

        return ([.. delivered], [.. failedWhileAlive]);
    }
}
