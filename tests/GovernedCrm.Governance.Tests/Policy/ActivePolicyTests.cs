using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class ActivePolicyTests
{
    private const string Allows = """
        version: 1
        tenants: [default]
        roles: [rep]
        local_default: { roles: [rep], tenant: default }
        rules:
          - id: writes
            effect: allow
            tools: [CRM.UpdateRecord]
        limits:
          writes_per_user: { max: 1, window: 60s }
        """;

    [Fact]
    public void Replace_NextCallsAreDecidedByTheNewPolicy_AndLimitCountersCarryOver()
    {
        var first = PolicyLoader.Load(Allows, "a.yaml").Policy!;
        var second = PolicyLoader.Load(Allows.Replace("effect: allow", "effect: deny", StringComparison.Ordinal), "b.yaml").Policy!;
        var active = new ActivePolicy(first, new FakeTimeProvider());
        var call = TestCalls.Create("""{"objectType":"deal","recordId":"3001"}""");
        var local = call.Caller with { Source = "local" };
        call = new Pipeline.GovernedCall { Tool = call.Tool, Arguments = call.Arguments, Caller = local, ExecutionId = "e", ReceivedAt = call.ReceivedAt };

        active.Evaluate(call).Should().BeOfType<PolicyDecision.Allow>();
        active.CheckAndCount(call).Should().BeNull();
        active.CheckAndCount(call)!.Code.Should().Be(PolicyDenialCodes.RateLimit);
        active.Version.Should().Be(first.Version);

        active.Replace(second);

        active.Version.Should().Be(second.Version);
        active.Evaluate(call).Should().BeOfType<PolicyDecision.Deny>().Which.Code.Should().Be(PolicyDenialCodes.Tool, "the new policy has no allow rule for the tool");
        active.Resolve(new CallerIdentity("someone", "x", [], "local"))!.Roles.Should().Equal("rep");
    }
}
