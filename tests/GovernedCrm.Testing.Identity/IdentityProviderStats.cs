namespace GovernedCrm.Testing.Identity;

/// <summary>What the test identity provider's token endpoint did since it started.</summary>
/// <param name="Grants">Successful token endpoint grants by <c>grant_type</c>.</param>
/// <param name="RefreshFailures">Failed <c>refresh_token</c> grants (e.g. <c>invalid_grant</c> on reuse).</param>
/// <param name="Errors">Every failed grant: its type and OAuth error code.</param>
public sealed record IdentityProviderStats(
    IReadOnlyDictionary<string, int> Grants, int RefreshFailures, IReadOnlyList<IdentityProviderGrantError> Errors)
{
    /// <summary>Successful grants of one type.</summary>
    /// <param name="grantType">E.g. <c>refresh_token</c>.</param>
    /// <returns>The count.</returns>
    public int GrantCount(string grantType) => Grants.TryGetValue(grantType, out var count) ? count : 0;
}

/// <summary>One failed token endpoint grant.</summary>
/// <param name="GrantType">The grant type.</param>
/// <param name="Error">The OAuth error code.</param>
/// <param name="Description">The error description.</param>
public sealed record IdentityProviderGrantError(string? GrantType, string Error, string? Description);
