using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Approvals;

/// <summary>Denies edits that set "owner" (as the default policy does for reps); allows the rest; remembers what it saw.</summary>
internal sealed class FakeEditCheck : IApprovalEditCheck
{
    public List<string> Checked { get; } = [];

    public ValueTask<PolicyDecision> CheckAsync(ApprovalRequest request, string editedArgumentsJson, CancellationToken cancellationToken)
    {
        Checked.Add(editedArgumentsJson);
        PolicyDecision decision = editedArgumentsJson.Contains("\"owner\"", StringComparison.Ordinal)
            ? new PolicyDecision.Deny(PolicyDenialCodes.FieldWrite, "You may not change the property 'owner'.") { PolicyVersion = "v", Rule = "reps-no-deal-owner" }
            : new PolicyDecision.RequireApproval(ApprovalRoute.Role, "manager", "big") { PolicyVersion = "v", Rule = "big-deals" };
        return ValueTask.FromResult(decision);
    }
}
