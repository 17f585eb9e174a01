namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>Who the policy takes the caller to be: effective tenant and roles, or why the caller is refused.</summary>
/// <param name="Denial">Set when the caller is refused (unknown user or tenant, unauthenticated).</param>
/// <param name="Tenant">The effective tenant.</param>
/// <param name="Roles">The effective roles as a mask (declared roles only).</param>
/// <param name="Entry">The directory entry used, for local callers (null for token callers).</param>
internal readonly record struct ResolvedCaller(PolicyDecision.Deny? Denial, string Tenant, ulong Roles, Definition.DirectoryEntry? Entry);
