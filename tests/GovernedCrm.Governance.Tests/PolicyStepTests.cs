using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;

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

    private static async Task<GovernanceOutcome<string>> Run(IGovernancePolicy policy) =>
        await new GovernancePipelineBuilder().AddStep(new PolicyStep(policy)).Build()
            .ExecuteAsync(TestCalls.Create(), (_, _) => ValueTask.FromResult("ran"), CancellationToken.None);

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
