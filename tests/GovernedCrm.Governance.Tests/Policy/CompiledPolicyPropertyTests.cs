using System.Collections.Concurrent;
using CsCheck;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Policy.Conditions;
using GovernedCrm.Governance.Tests.Policy.Reference;
using Xunit.Abstractions;

namespace GovernedCrm.Governance.Tests.Policy;

/// <summary>
/// Random policies and calls: the compiled policy (indexes, masks, caches, parsed conditions) must decide
/// exactly as the naive <see cref="ReferenceEvaluator"/> does.
/// </summary>
public sealed class CompiledPolicyPropertyTests(ITestOutputHelper output)
{
    private const int Policies = 400;
    private const int CallsPerPolicy = 10;

    private static readonly string[] ExpectedOutcomes =
    [
        "allow",
        "require_approval:role",
        "require_approval:requester",
        "require_approval:attribute",
        "deny:" + PolicyDenialCodes.UnknownUser,
        "deny:" + PolicyDenialCodes.UnknownTenant,
        "deny:" + PolicyDenialCodes.Unauthenticated,
        "deny:" + PolicyDenialCodes.Tenant,
        "deny:" + PolicyDenialCodes.Tool,
        "deny:" + PolicyDenialCodes.Role,
        "deny:" + PolicyDenialCodes.ObjectType,
        "deny:" + PolicyDenialCodes.Rule,
        "deny:custom-code",
        "deny:" + PolicyDenialCodes.FieldWrite,
        "deny:" + PolicyDenialCodes.Default,
    ];

    [Fact]
    public void Evaluate_RandomPoliciesAndCalls_MatchesTheReferenceEvaluator()
    {
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var cases = 0;
        var redacting = 0;

        Gen.Select(PolicyGenerators.Policy, PolicyGenerators.Call.Array[CallsPerPolicy]).Sample(
            (policy, calls) =>
            {
                var yaml = policy.ToYaml();
                var loaded = PolicyLoader.Load(yaml, "generated.yaml");
                loaded.Errors.Should().BeEmpty(yaml);
                foreach (var call in calls)
                {
                    var expected = ReferenceEvaluator.Evaluate(policy, call.Call);
                    var actual = Comparable(loaded.Policy!.Evaluate(call.Call));
                    actual.Should().Be(expected, "call {0} under policy\n{1}", call, yaml);
                    loaded.Policy.Evaluate(call.Call).PolicyVersion.Should().Be(loaded.Policy.Version);
                    outcomes.AddOrUpdate(expected.Outcome, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref cases);
                    if (expected.Redacted.Length > 0)
                    {
                        Interlocked.Increment(ref redacting);
                    }
                }
            },
            iter: Policies,
            print: scenario => scenario.Item1.ToYaml() + "\n" + string.Join("\n", scenario.Item2.Select(c => c.Description)));

        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{outcome}: {count}");
        }

        cases.Should().BeGreaterThanOrEqualTo(2000);
        outcomes.Keys.Should().Contain(ExpectedOutcomes);
        redacting.Should().BeGreaterThan(0, "some allowed calls must carry redacted fields");
    }

    [Fact]
    public void Condition_RandomConditionsAndCalls_MatchTheReferenceSemantics()
    {
        var results = new ConcurrentDictionary<bool, int>();

        Gen.Select(PolicyGenerators.Conditions, PolicyGenerators.Call).Sample(
            (condition, call) =>
            {
                Condition.TryParse(condition.Text, out var parsed, out var error).Should().BeTrue(error?.Message);
                var expected = condition.IsTrue(call.Call);
                parsed!.IsTrue(call.Call).Should().Be(expected, "\"{0}\" for {1}", condition.Text, call);
                results.AddOrUpdate(expected, 1, (_, n) => n + 1);
            },
            iter: 5000,
            print: scenario => scenario.Item1.Text + " | " + scenario.Item2.Description);

        results.Keys.Should().BeEquivalentTo([true, false]);
    }

    [Fact]
    public void Explain_RandomPoliciesAndCalls_DecidesLikeEvaluate()
    {
        Gen.Select(PolicyGenerators.Policy, PolicyGenerators.Call).Sample(
            (policy, call) =>
            {
                var compiled = PolicyLoader.Load(policy.ToYaml(), "generated.yaml").Policy!;
                compiled.Explain(call.Call).Decision.Should().Be(compiled.Evaluate(call.Call));
            },
            iter: 300);
    }

    private static RefDecision Comparable(PolicyDecision decision) => decision switch
    {
        PolicyDecision.Deny deny => RefDecision.Deny(deny.Code, deny.Rule),
        PolicyDecision.RequireApproval approval => new RefDecision(
            "require_approval", null, approval.Rule, approval.Route == ApprovalRoute.Role ? "role" : "requester", approval.ApproverRole, RefDecision.Join(approval.RedactedFields)),
        PolicyDecision.Allow allow => new RefDecision("allow", null, allow.Rule, null, null, RefDecision.Join(allow.RedactedFields)),
        _ => throw new InvalidOperationException("unknown decision " + decision),
    };
}
