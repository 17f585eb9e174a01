using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Tests.Entries;

namespace GovernedCrm.Audit.Tests.Store;

/// <summary>
/// Pipelined appends on the real writer: an entry handed over with <see cref="GovernedCrm.Audit.Store.AuditWriter.EnqueueAsync"/>
/// gets its position at once, the chain follows the positions, a failure after hand-over surfaces at the wait,
/// and an entry nobody waits for still becomes durable.
/// </summary>
public sealed class AuditWriterEnqueueTests
{
    [Fact]
    public async Task EnqueueAsync_ConcurrentCallers_ChainOrderFollowsPositions()
    {
        await using var audit = await TempAudit.CreateAsync();
        var handles = await Task.WhenAll(Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
        {
            var mine = new List<AuditAppend>();
            for (var i = 0; i < 250; i++)
            {
                mine.Add(await audit.Writer!.EnqueueAsync(AuditEntryCodecTests.SampleRecord(executionId: $"c{caller}-{i}"), CancellationToken.None));
            }

            return mine;
        })));

        var all = handles.SelectMany(h => h).ToList();
        var receipts = new List<(long Position, long Sequence)>();
        foreach (var handle in all)
        {
            receipts.Add((handle.Position, (await handle.WaitDurableAsync(CancellationToken.None)).Sequence));
        }

        all.Select(h => h.Position).Should().OnlyHaveUniqueItems();
        receipts.OrderBy(r => r.Position).Select(r => r.Sequence).Should().BeInAscendingOrder("the chain takes entries in the order they were queued");
        foreach (var mine in handles)
        {
            mine.Select(h => h.Position).Should().BeInAscendingOrder("one caller's entries are queued in the order it handed them over");
        }

        await audit.CloseAsync();
        (await audit.VerifyAsync()).Valid.Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_NobodyWaits_EntryStillBecomesDurable()
    {
        await using var audit = await TempAudit.CreateAsync();

        var handle = await audit.Writer!.EnqueueAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!handle.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        handle.IsCompleted.Should().BeTrue("an entry nobody waits for is flushed after a short delay at the latest");
        handle.Failure.Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_FailsAfterHandOver_SurfacesAsAuditUnavailableAtTheWait()
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        await using var locker = await audit.LockAsync();

        var handle = await audit.Writer.EnqueueAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        handle.Position.Should().BePositive("the hand-over succeeds: the failure comes later");

        var act = async () => await handle.WaitDurableAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<AuditUnavailableException>()).Which.Message.Should().Contain("locked");
        handle.Failure.Should().NotBeNull();
        await TempAudit.ReleaseAsync(locker);

        var after = await audit.Writer.EnqueueAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        (await after.WaitDurableAsync(CancellationToken.None)).Sequence.Should().Be(1, "the failed entry was never committed");
    }
}
