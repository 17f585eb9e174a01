using System.Text.Json.Nodes;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Logging.Abstractions;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Policy;
using GovernedCrm.Governance.Steps.Validation;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Tests.Audit;

public sealed partial class AuditStepsTests
{
    private const string Arguments = """{"objectType":"deal","recordId":"3001","properties":{"amount":5,"api_key":"sk-live-123"},"reason":"because","confidence":0.7}""";

    [Fact]
    public async Task Pipeline_AllowedCall_ProposedBeforeToolThenExecuted()
    {
        var trail = new RecordingAuditTrail();
        var seenAtToolTime = -1;

        var outcome = await Pipeline(trail).ExecuteAsync(TestCalls.Create(Arguments), (_, _) =>
        {
            seenAtToolTime = trail.Records.Count;
            return ValueTask.FromResult(new Result(false, null, """{"after":{"amount":5}}"""));
        }, CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        seenAtToolTime.Should().Be(1, "the PROPOSED entry is committed before the tool runs");
        trail.Records.Select(r => r.Event).Should().Equal(AuditEventType.Proposed, AuditEventType.Executed);
        var proposed = trail.Records[0];
        proposed.Action.Should().Be(AuditActionType.Write);
        proposed.Actor.Should().Be("alice");
        proposed.ExecutionId.Should().Be("exec-1");
        proposed.Reasoning.Should().Be("because");
        proposed.Confidence.Should().Be(0.7);
        proposed.PolicyVersion.Should().Be("builtin-allow-all-v1");
        proposed.Rule.Should().Be(AllowAllPolicy.RuleId);
        proposed.ProposedValues.Should().Be("""{"amount":5,"api_key":"[redacted]"}""");
        proposed.PreviousValues.Should().Be("""{"amount":1000}""");
        trail.Records[1].Result.Should().Be("""{"after":{"amount":5}}""");
    }

    [Fact]
    public async Task Pipeline_ValidationRefusal_DeniedEntryAndNoProposed()
    {
        var trail = new RecordingAuditTrail();

        var outcome = await Pipeline(trail).ExecuteAsync(
            TestCalls.Create("""{"recordId":7}""", """{"type":"object","properties":{"recordId":{"type":"string"}}}"""),
            (_, _) => ValueTask.FromResult(new Result(false, null, null)), CancellationToken.None);

        outcome.Refusal!.Code.Should().Be(ArgumentValidationStep.InvalidArgumentCode);
        trail.Records.Should().ContainSingle().Which.Should().Match<AuditRecord>(r =>
            r.Event == AuditEventType.Denied && r.Action == AuditActionType.Deny && r.Outcome == "denied:validation.invalid_argument");
    }

    [Fact]
    public async Task Pipeline_ToolError_FailedEntryWithCode()
    {
        var trail = new RecordingAuditTrail();

        await Pipeline(trail).ExecuteAsync(TestCalls.Create(Arguments), (_, _) => ValueTask.FromResult(new Result(true, "crm.conflict", null)), CancellationToken.None);

        trail.Records[^1].Should().Match<AuditRecord>(r => r.Event == AuditEventType.Failed && r.Outcome == "failed:crm.conflict");
    }

    [Fact]
    public async Task Pipeline_ToolThrows_FailedEntryAndRethrows()
    {
        var trail = new RecordingAuditTrail();

        var act = async () => await Pipeline(trail).ExecuteAsync<Result>(TestCalls.Create(Arguments), (_, _) => throw new InvalidOperationException("boom"), CancellationToken.None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        var failed = trail.Records[^1];
        failed.Should().Match<AuditRecord>(r => r.Event == AuditEventType.Failed && r.Outcome == "failed:" + AuditStep.InternalErrorCode);
        failed.Result.Should().Contain(AuditStep.InternalErrorCode).And.NotContain("boom", "exception text stays in the server log");
    }

    [Fact]
    public async Task Pipeline_AuditUnavailable_ToolNeverRunsAndRefusalSaysWhy()
    {
        var trail = new RecordingAuditTrail { Fail = true };
        var ran = false;

        var outcome = await Pipeline(trail).ExecuteAsync(TestCalls.Create(Arguments), (_, _) => { ran = true; return ValueTask.FromResult(new Result(false, null, null)); }, CancellationToken.None);

        ran.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(AuditStep.UnavailableCode);
        outcome.Refusal.Message.Should().Contain("locked").And.Contain("not carried out");
    }

    [Fact]
    public void ArgumentsDigest_SameArgumentsAnyKeyOrder_SameDigest()
    {
        var a = TestCalls.Create("""{"b":{"y":1,"x":2},"a":"v"}""").Arguments;
        var b = TestCalls.Create("""{"a":"v","b":{"x":2,"y":1}}""").Arguments;
        var c = TestCalls.Create("""{"a":"v","b":{"x":2,"y":2}}""").Arguments;

        AuditRecords.ArgumentsDigest(a).Should().Be(AuditRecords.ArgumentsDigest(b)).And.NotBe(AuditRecords.ArgumentsDigest(c));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("apiKey")]
    [InlineData("refresh_token")]
    [InlineData("Authorization")]
    public void Redact_SensitiveNamesAtAnyDepth_Replaced(string name)
    {
        var json = new JsonObject { ["outer"] = new JsonObject { [name] = "s3cr3t", ["email"] = "a@example.com" } };

        var redacted = AuditRedaction.Redact(json)!.ToJsonString();

        redacted.Should().NotContain("s3cr3t").And.Contain("a@example.com");
    }

    [Fact]
    public async Task Pipeline_SensitiveArgumentsAndResultFields_NeverReachTheTrail()
    {
        var trail = new RecordingAuditTrail();
        var call = TestCalls.Create(Arguments);
        call = new GovernedCall
        {
            Tool = call.Tool with
            {
                SensitiveArguments = new HashSet<string>(StringComparer.Ordinal) { "reason", "properties" },
                SensitiveResultFields = new HashSet<string>(StringComparer.Ordinal) { "token" },
            },
            Arguments = call.Arguments,
            Caller = call.Caller,
            ExecutionId = call.ExecutionId,
            ReceivedAt = call.ReceivedAt,
        };

        await Pipeline(trail).ExecuteAsync(call, (_, _) =>
            ValueTask.FromResult(new Result(false, null, """{"after":{"amount":5},"token":"abc-123"}""")), CancellationToken.None);

        var proposed = trail.Records[0];
        proposed.Reasoning.Should().Be(AuditRedaction.Redacted);
        proposed.ProposedValues.Should().Be("""{"amount":"[redacted]","api_key":"[redacted]"}""", "a sensitive properties argument keeps its names, not its values");
        proposed.PreviousValues.Should().Be("""{"amount":"[redacted]"}""");
        trail.Records[1].Result.Should().Be("""{"after":{"amount":5},"token":"[redacted]"}""");
        string.Join("|", trail.Records.Select(r => $"{r.Reasoning}{r.ProposedValues}{r.PreviousValues}{r.Result}"))
            .Should().NotContain("because").And.NotContain("abc-123").And.NotContain("sk-live");
    }

    /// <summary>The audit, validation, policy (allow all) and write-ahead steps over the trail; the durability tests use it too.</summary>
    internal static GovernancePipeline Pipeline(IAuditTrail trail) => new GovernancePipelineBuilder()
        .AddStep(new AuditStep(trail, NullLogger<AuditStep>.Instance))
        .AddStep(new ArgumentValidationStep())
        .AddStep(new PolicyStep(new AllowAllPolicy()))
        .AddStep(new WriteAheadAuditStep(trail, new FixedProposals()))
        .Build();

    internal sealed record Result(bool IsError, string? ErrorCode, string? AuditSummary) : IGovernedResult;

    private sealed class FixedProposals : IProposalReader
    {
        public ValueTask<Proposal?> ReadAsync(GovernedCall call, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Proposal?>(new Proposal(
                ["amount", "api_key"],
                new JsonObject { ["amount"] = 1000 },
                new JsonObject { ["amount"] = 5, ["api_key"] = "sk-live-123" }));
    }
}
