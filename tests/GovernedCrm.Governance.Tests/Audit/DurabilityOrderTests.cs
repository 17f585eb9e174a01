using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Validation;
using GovernedCrm.Governance.Tools;
using static GovernedCrm.Governance.Tests.Audit.AuditStepsTests;

namespace GovernedCrm.Governance.Tests.Audit;

/// <summary>
/// The durability guarantees of pipelined audit appends, under a trail whose flushes are slow or fail after the
/// entry was handed over: nothing reaches the CRM before its PROPOSED entry is durable; no answer leaves before
/// every entry of the call is durable; the chain order is RECEIVED &lt; PROPOSED &lt; outcome.
/// </summary>
public sealed class DurabilityOrderTests
{
    private const string WriteArguments = """{"objectType":"deal","recordId":"3001","properties":{"amount":5}}""";
    private const string ReadArguments = """{"objectType":"deal","recordId":"3001"}""";
    private static readonly TimeSpan SlowFlush = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Write_ToolRunsOnlyOnceReceivedAndProposedAreDurable()
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush);
        var call = await ReceivedAsync(trail, TestCalls.Create(WriteArguments));
        IReadOnlyList<AuditEventType>? durableAtToolTime = null;

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (c, _) =>
        {
            durableAtToolTime = trail.DurableEvents(c.ExecutionId);
            return ValueTask.FromResult(new Result(false, null, """{"after":{"amount":5}}"""));
        }, CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        durableAtToolTime.Should().Equal([AuditEventType.Received, AuditEventType.Proposed], "the CRM is written only after its PROPOSED entry is on disk");
    }

    [Theory]
    [InlineData(GovernedAction.Update)]
    [InlineData(GovernedAction.Read)]
    public async Task Answer_LeavesOnlyOnceEveryEntryOfTheCallIsDurable(GovernedAction action)
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush);
        var call = await ReceivedAsync(trail, TestCalls.Create(action == GovernedAction.Read ? ReadArguments : WriteArguments, action: action));

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (_, _) => ValueTask.FromResult(new Result(false, null, "{}")), CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        trail.DurableEvents(call.ExecutionId).Should().Equal(
            [AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed], "the answer waits for the call's last entry, in chain order");
    }

    [Fact]
    public async Task Read_RunsWhileItsEntriesAreFlushed_AndWaitsOnce()
    {
        var flush = TimeSpan.FromMilliseconds(400);
        var trail = new DelayedFlushAuditTrail(flush);
        var call = await ReceivedAsync(trail, TestCalls.Create(ReadArguments, action: GovernedAction.Read));
        IReadOnlyList<AuditEventType>? durableAtToolTime = null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (c, _) =>
        {
            durableAtToolTime = trail.DurableEvents(c.ExecutionId);
            return ValueTask.FromResult(new Result(false, null, "{}"));
        }, CancellationToken.None);

        durableAtToolTime.Should().BeEmpty("a read does not wait for RECEIVED or PROPOSED before it runs");
        System.Diagnostics.Stopwatch.GetElapsedTime(started).Should().BeLessThan(flush * 2.5, "one flush wait, not three in a row");
    }

    [Theory]
    [InlineData(GovernedAction.Update)]
    [InlineData(GovernedAction.Read)]
    public async Task StoreFailsAfterReceived_NoCrmCallForAWrite_AndNoAnswerData(GovernedAction action)
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush) { FailWhen = r => r.Event == AuditEventType.Received };
        var call = await ReceivedAsync(trail, TestCalls.Create(action == GovernedAction.Read ? ReadArguments : WriteArguments, action: action));
        var ran = false;

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (_, _) =>
        {
            ran = true;
            return ValueTask.FromResult(new Result(false, null, """{"secret":"record data"}"""));
        }, CancellationToken.None);

        if (action == GovernedAction.Update)
        {
            ran.Should().BeFalse("PROPOSED is durable but RECEIVED before it failed: the write must not run");
        }

        outcome.Executed.Should().BeFalse("no result leaves when an entry of the call could not be written");
        outcome.Refusal!.Code.Should().Be(AuditStep.UnavailableCode);
        trail.DurableEvents(call.ExecutionId).Should().NotContain(AuditEventType.Received);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(150)]
    [InlineData(400)]
    public async Task StoreFailsAfterProposed_CrmWrittenOnlyIfProposedDurable_AnswerNamesExecution(int proposedFlushMilliseconds)
    {
        // PROPOSED takes a varying time to flush; everything after it fails.
        var trail = new DelayedFlushAuditTrail(TimeSpan.FromMilliseconds(proposedFlushMilliseconds))
        {
            FailWhen = r => r.Event is AuditEventType.Executed or AuditEventType.Failed,
        };
        var call = TestCalls.Create(WriteArguments);
        var proposedDurableWhenWritten = false;
        var written = false;

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (c, _) =>
        {
            written = true;
            proposedDurableWhenWritten = trail.DurableEvents(c.ExecutionId).Contains(AuditEventType.Proposed);
            return ValueTask.FromResult(new Result(false, null, """{"after":{"amount":5}}"""));
        }, CancellationToken.None);

        written.Should().BeTrue();
        proposedDurableWhenWritten.Should().BeTrue("the CRM write happens only once PROPOSED is durable");
        outcome.Executed.Should().BeFalse("the outcome could not be recorded, so the result is withheld");
        outcome.Refusal!.Code.Should().Be(AuditStep.UnavailableCode);
        outcome.Refusal.Message.Should().Contain(call.ExecutionId).And.Contain("may have been changed");
    }

    [Fact]
    public async Task ProposedFailsAtFlush_WriteNeverRuns()
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush) { FailWhen = r => r.Event == AuditEventType.Proposed };
        var ran = false;

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(TestCalls.Create(WriteArguments), (_, _) =>
        {
            ran = true;
            return ValueTask.FromResult(new Result(false, null, null));
        }, CancellationToken.None);

        ran.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(AuditStep.UnavailableCode);
        outcome.Refusal.Message.Should().Contain("not carried out");
    }

    [Fact]
    public async Task Refusal_AnswerWaitsForTheDeniedEntry()
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush);
        var call = await ReceivedAsync(trail, TestCalls.Create("""{"recordId":7}""", """{"type":"object","properties":{"recordId":{"type":"string"}}}"""));

        var outcome = await AuditStepsTests.Pipeline(trail).ExecuteAsync(call, (_, _) => ValueTask.FromResult(new Result(false, null, null)), CancellationToken.None);

        outcome.Refusal!.Code.Should().Be(ArgumentValidationStep.InvalidArgumentCode);
        trail.DurableEvents(call.ExecutionId).Should().Equal([AuditEventType.Received, AuditEventType.Denied]);
    }

    [Fact]
    public async Task Entries_HandedOverInCallOrder_PositionsRise()
    {
        var trail = new DelayedFlushAuditTrail(TimeSpan.Zero);
        var call = TestCalls.Create(WriteArguments);
        var received = await ((IAuditTrail)trail).EnqueueAsync(Record(call, AuditEventType.Received), CancellationToken.None);
        call.AuditEntries.Add(received);
        await call.AuditEntries.EnqueueAsync(trail, Record(call, AuditEventType.Proposed), CancellationToken.None);

        await call.AuditEntries.WaitDurableAsync(CancellationToken.None);

        received.Position.Should().Be(0);
        trail.Records.Select(r => r.Event).Should().Equal(AuditEventType.Received, AuditEventType.Proposed);
    }

    private static async Task<GovernedCall> ReceivedAsync(IAuditTrail trail, GovernedCall call)
    {
        // As the MCP transport does: RECEIVED is handed over, not waited for, and the pipeline's waits cover it.
        call.AuditEntries.Add(await trail.EnqueueAsync(Record(call, AuditEventType.Received), CancellationToken.None));
        return call;
    }

    private static AuditRecord Record(GovernedCall call, AuditEventType type) => AuditRecords.For(call, type, AuditActionType.Read, type.ToString().ToLowerInvariant());
}
