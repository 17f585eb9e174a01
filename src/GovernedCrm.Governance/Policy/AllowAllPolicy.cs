namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The pass-through policy used until a rule-based policy is configured: it allows every call that
/// passed validation. It exists so the policy step and its audit fields are in place from the start.
/// </summary>
public sealed class AllowAllPolicy : IGovernancePolicy
{
    /// <summary>The rule id stamped on every decision of this policy.</summary>
    public const string RuleId = "builtin.allow-all";

    /// <inheritdoc />
    public string Version => "builtin-allow-all-v1";

    /// <inheritdoc />
    public PolicyDecision Evaluate(GovernedCall call) => new PolicyDecision.Allow { PolicyVersion = Version, Rule = RuleId };
}
