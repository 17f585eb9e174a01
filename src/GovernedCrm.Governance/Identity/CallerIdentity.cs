namespace GovernedCrm.Governance.Identity;

/// <summary>Who is calling: the human the agent works for, resolved by the host before the pipeline runs.</summary>
/// <param name="UserId">The user's stable id (stdio: the configured user; HTTP: the token subject).</param>
/// <param name="Tenant">The tenant whose records the caller may touch.</param>
/// <param name="Roles">The caller's roles.</param>
/// <param name="Source">How the identity was established, e.g. "stdio-config" or "jwt".</param>
public sealed record CallerIdentity(string UserId, string Tenant, IReadOnlyList<string> Roles, string Source)
{
    /// <summary>The tenant used when no other tenant is configured.</summary>
    public const string DefaultTenant = "default";
}
