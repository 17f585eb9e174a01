namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Completes a caller's identity from the policy: a local (stdio) user's roles and tenant come from the policy's
/// user directory; a token's roles are kept to the roles the policy declares.
/// </summary>
public interface ICallerDirectory
{
    /// <summary>The caller as the policy knows them, or null when the policy does not know them (they can do nothing).</summary>
    /// <param name="caller">The caller as the transport established them.</param>
    /// <returns>The effective identity, or null.</returns>
    CallerIdentity? Resolve(CallerIdentity caller);
}
