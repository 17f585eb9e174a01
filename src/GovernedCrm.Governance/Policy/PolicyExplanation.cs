namespace GovernedCrm.Governance.Policy;

/// <summary>A decision and how the policy reached it, for people: <c>policy explain</c> and tests.</summary>
/// <param name="Decision">The decision, the same <see cref="CompiledPolicy.Evaluate"/> returns.</param>
/// <param name="Lines">What the policy looked at, in order: the caller's directory entry, tenant, each rule and why it did or did not match.</param>
public sealed record PolicyExplanation(PolicyDecision Decision, IReadOnlyList<string> Lines);
