using System.Text.Json;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Validation;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Tests.Audit;

/// <summary>Arguments no serializer would produce, and calls the client cancels: every one ends with an entry.</summary>
public sealed partial class AuditStepsTests
{
    [Theory]
    [InlineData("""{"objectType":"deal","recordId":"3001","properties":{"owner":"alice","owner":"ravi"},"reason":"r"}""", MalformedJson.DuplicateKeyCode)]
    [InlineData("""{"objectType":"deal","recordId":"3001","properties":{"owner":"Ada\ud800"},"reason":"r"}""", MalformedJson.InvalidTextCode)]
    [InlineData("""{"objectType":"deal","recordId":"3001","properties":{"owner":"a"},"reason":"\udc00"}""", MalformedJson.InvalidTextCode)]
    [InlineData("""{"objectType":"deal","recordId":"\ud800","properties":{"owner":"a"},"reason":"r"}""", MalformedJson.InvalidTextCode)]
    public async Task Pipeline_MalformedArguments_DeniedWithCodeAndNothingRuns(string arguments, string code)
    {
        var trail = new RecordingAuditTrail();
        var ran = false;

        var outcome = await Pipeline(trail).ExecuteAsync(TestCalls.Create(arguments), (_, _) => { ran = true; return ValueTask.FromResult(new Result(false, null, null)); }, CancellationToken.None);

        ran.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(code);
        var denied = trail.Records.Should().ContainSingle().Subject;
        denied.Event.Should().Be(AuditEventType.Denied);
        denied.Outcome.Should().Be($"denied:{code}");
        denied.ArgumentsDigest.Should().MatchRegex("^[0-9a-f]{64}$", "arguments in the pipeline are digested as sent, without throwing");
    }

    [Fact]
    public async Task Pipeline_ArgumentsTheTransportCouldNotRead_DeniedWithItsRefusalAndNoDigest()
    {
        var trail = new RecordingAuditTrail();
        var template = TestCalls.Create();
        var call = new GovernedCall
        {
            Tool = template.Tool,
            Arguments = template.Arguments,
            Caller = template.Caller,
            ExecutionId = template.ExecutionId,
            ReceivedAt = template.ReceivedAt,
            MalformedArguments = new GovernanceRefusal(MalformedJson.InvalidTextCode, "The call holds text that is not valid Unicode."),
        };

        var outcome = await Pipeline(trail).ExecuteAsync(call, (_, _) => ValueTask.FromResult(new Result(false, null, null)), CancellationToken.None);

        outcome.Refusal!.Code.Should().Be(MalformedJson.InvalidTextCode);
        trail.Records.Should().ContainSingle().Which.ArgumentsDigest.Should().BeNull();
    }

    [Fact]
    public void ArgumentsDigest_MalformedArguments_NeverThrowsAndTellsThemApart()
    {
        var duplicate = TestCalls.Create("""{"p":{"a":1,"a":2}}""").Arguments;
        var other = TestCalls.Create("""{"p":{"a":2,"a":1}}""").Arguments;
        var surrogate = TestCalls.Create("""{"p":"\ud800"}""").Arguments;

        var digests = new[] { AuditRecords.ArgumentsDigest(duplicate), AuditRecords.ArgumentsDigest(other), AuditRecords.ArgumentsDigest(surrogate) };

        digests.Should().AllSatisfy(d => d.Should().MatchRegex("^[0-9a-f]{64}$")).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void AuditRecord_LoneSurrogatesInReasonAndRecordId_AreLeftOutInsteadOfThrowing()
    {
        var call = TestCalls.Create("""{"objectType":"deal","recordId":"\ud800","reason":"why \udfff"}""");

        var record = AuditRecords.For(call, AuditEventType.Denied, AuditActionType.Deny, "denied:x");

        record.RecordId.Should().BeNull();
        record.Reasoning.Should().BeNull();
        record.ObjectType.Should().Be("deal");
    }

    [Fact]
    public async Task Pipeline_CancelledBeforeTheToolRuns_CancelledEntrySaysNothingRan()
    {
        var trail = new RecordingAuditTrail();
        using var cancel = new CancellationTokenSource();
        var pipeline = new GovernancePipelineBuilder()
            .AddStep(new AuditStep(trail, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditStep>.Instance))
            .AddStep(new CancellingStep(cancel))
            .AddStep(new WriteAheadAuditStep(trail))
            .Build();

        var act = async () => await pipeline.ExecuteAsync(TestCalls.Create(Arguments), (_, _) => ValueTask.FromResult(new Result(false, null, null)), cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        var cancelled = trail.Records.Should().ContainSingle().Subject;
        cancelled.Event.Should().Be(AuditEventType.Cancelled);
        cancelled.Outcome.Should().Be("cancelled");
        cancelled.RecordId.Should().Be("3001");
        JsonDocument.Parse(cancelled.Result!).RootElement.GetProperty("mayHaveRun").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Pipeline_CancelledWhileTheToolRuns_CancelledEntrySaysTheCrmMayHaveChanged()
    {
        var trail = new RecordingAuditTrail();
        using var cancel = new CancellationTokenSource();

        var act = async () => await Pipeline(trail).ExecuteAsync<Result>(TestCalls.Create(Arguments), async (_, ct) =>
        {
            await cancel.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return new Result(false, null, null);
        }, cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        trail.Records.Select(r => r.Event).Should().Equal(AuditEventType.Proposed, AuditEventType.Cancelled);
        var cancelled = trail.Records[^1];
        cancelled.Outcome.Should().Be(AuditStep.CancelledAfterProposedOutcome);
        cancelled.Action.Should().Be(AuditActionType.Write);
        cancelled.Result.Should().Contain("may have been changed");
        JsonDocument.Parse(cancelled.Result!).RootElement.GetProperty("mayHaveRun").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Pipeline_OperationCanceledNotFromTheCaller_IsAnInternalError()
    {
        var trail = new RecordingAuditTrail();

        var act = async () => await Pipeline(trail).ExecuteAsync<Result>(TestCalls.Create(Arguments), (_, _) => throw new TaskCanceledException("a timeout inside"), CancellationToken.None);

        await act.Should().ThrowAsync<OperationCanceledException>();
        trail.Records[^1].Outcome.Should().Be("failed:" + AuditStep.InternalErrorCode);
    }

    private sealed class CancellingStep(CancellationTokenSource cancel) : IGovernanceStep
    {
        public string Name => "cancelling";

        public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
        {
            await cancel.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return await next(call, cancellationToken);
        }
    }
}
