namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The one rule for which audit chain a caller may read or verify: their own tenant's; any tenant's when the policy
/// lists one of their roles under <c>audit.cross_tenant_roles</c>. An out-of-scope chain is refused with
/// <see cref="OutOfScopeCode"/> and a message that is the same whether the chain exists or not.
/// </summary>
public static class AuditScope
{
    /// <summary>The code of a request for a chain outside the caller's scope.</summary>
    public const string OutOfScopeCode = "audit.out_of_scope";

    /// <summary>The refusal's message: names no chain and says nothing of whether it exists.</summary>
    public const string OutOfScopeMessage = "You may read and verify only your own tenant's audit chain.";

    /// <summary>True when <paramref name="caller"/> may read and verify every tenant's chain.</summary>
    /// <param name="policy">The policy in force.</param>
    /// <param name="caller">The caller.</param>
    /// <returns>Whether the caller's scope is every chain.</returns>
    public static bool SeesEveryChain(IGovernancePolicy? policy, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return policy is IAuditAccessPolicy access && access.SeesEveryChain(caller);
    }

    /// <summary>
    /// The chain a request reads: the requested tenant's when it is in scope, the caller's own when none is requested;
    /// null when the requested chain is out of scope.
    /// </summary>
    /// <param name="policy">The policy in force.</param>
    /// <param name="caller">The caller.</param>
    /// <param name="requested">The tenant asked for, or null.</param>
    /// <returns>The chain, or null when refused.</returns>
    public static string? Resolve(IGovernancePolicy? policy, CallerIdentity caller, string? requested)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(requested) || string.Equals(requested, caller.Tenant, StringComparison.Ordinal))
        {
            return caller.Tenant;
        }

        return SeesEveryChain(policy, caller) ? requested : null;
    }
}
