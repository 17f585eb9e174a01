using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Steps.Policy;

namespace GovernedCrm.Governance.Tests;

public sealed class PolicyStepTests
{
    [Fact]
    public async Task InvokeAsync_AllowAllPolicy_RunsTool()
    {
        var outcome = await Run(new AllowAllPolicy());

        outcome.Executed.Should().BeTrue();
    }

    [Fact]
    public async Task InvokeAsync_Deny_RefusesWithCodeAndRule()
    {
        var outcome = await Run(new FixedPolicy(new PolicyDecision.Deny("policy.denied.field_write", "no writes to amount") { PolicyVersion = "v1", Rule = "rule-7" }));

        outcome.Executed.Should().BeFalse();
        outcome.Refusal.Should().Be(new GovernanceRefusal("policy.denied.field_write", "no writes to amount", "rule-7"));
    }

    [Fact]
    public async Task InvokeAsync_PolicyThrows_FailsClosed()
    {
        var outcome = await Run(new ThrowingPolicy());

        outcome.Executed.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(PolicyStep.EvaluationFailedCode);
        outcome.Refusal.Message.Should().NotContain("secret detail");
    }

    [Fact]
    public async Task InvokeAsync_RequireApproval_WithoutAnApprovalStep_RefusedNamingTheApprover()
    {
        var outcome = await Run(new FixedPolicy(new PolicyDecision.RequireApproval(ApprovalRoute.Role, "manager", "Big deal.") { PolicyVersion = "v1", Rule = "big-deals" }));

        outcome.Executed.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(PolicyStep.ApprovalRequiredCode);
        outcome.Refusal.Rule.Should().Be("big-deals");
        outcome.Refusal.Message.Should().Contain("by a manager").And.Contain("Big deal.");
    }

    [Fact]
    public async Task InvokeAsync_RequireApproval_WithAnApprovalStepAfter_PassesTheCallOn()
    {
        var call = TestCalls.Create();
        var outcome = await new GovernancePipelineBuilder()
            .AddStep(new PolicyStep(new FixedPolicy(new PolicyDecision.RequireApproval(ApprovalRoute.Requester, null, "Confirm.") { PolicyVersion = "v1", Rule = "r" }), approvalsFollow: true))
            .Build()
            .ExecuteAsync(call, (_, _) => ValueTask.FromResult("ran"), CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        call.Decision.Should().BeOfType<PolicyDecision.RequireApproval>();
    }

    [Fact]
    public async Task InvokeAsync_LimitReached_DeniesAnAllowedCall_AndCountsOnlyAllowedOnes()
    {
        var limits = new CountingLimits(allow: 2);
        var policy = new LimitedPolicy(new PolicyDecision.Allow { PolicyVersion = "v1", Rule = "ok" }, limits);

        var results = new List<GovernanceOutcome<string>>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await Run(policy));
        }

        results.Select(r => r.Executed).Should().Equal(true, true, false);
        results[2].Refusal!.Code.Should().Be("policy.denied.rate_limit");
        limits.Checked.Should().Be(3);

        var denied = new LimitedPolicy(new PolicyDecision.Deny("policy.denied.role", "no") { PolicyVersion = "v1", Rule = "x" }, limits);
        await Run(denied);
        limits.Checked.Should().Be(3, "a denied call is never counted against the limits");
    }

    private static async Task<GovernanceOutcome<string>> Run(IGovernancePolicy policy) =>
        await new GovernancePipelineBuilder().AddStep(new PolicyStep(policy)).Build()
            .ExecuteAsync(TestCalls.Create(), (_, _) => ValueTask.FromResult("ran"), CancellationToken.None);

    private sealed class CountingLimits(int allow) : IPolicyLimits
    {
        public int Checked { get; private set; }

        public PolicyDecision.Deny? CheckAndCount(GovernedCall call) =>
            ++Checked > allow ? new PolicyDecision.Deny("policy.denied.rate_limit", "slow down") { PolicyVersion = "v1", Rule = "limits.writes_per_user" } : null;
    }

    private sealed class LimitedPolicy(PolicyDecision decision, IPolicyLimits limits) : IGovernancePolicy, IPolicyLimits
    {
        public string Version => "v1";

        public PolicyDecision Evaluate(GovernedCall call) => decision;

        public PolicyDecision.Deny? CheckAndCount(GovernedCall call) => limits.CheckAndCount(call);
    }

    private sealed class FixedPolicy(PolicyDecision decision) : IGovernancePolicy
    {
        public string Version => "v1";

        public PolicyDecision Evaluate(GovernedCall call) => decision;
    }

    private sealed class ThrowingPolicy : IGovernancePolicy
    {
        public string Version => "v1";

        public PolicyDecision Evaluate(GovernedCall call) => throw new InvalidOperationException("secret detail");
    }
}
