namespace GovernedCrm.OAuth;

/// <summary>An access token acquired from a token cache, and the cache to store when acquiring changed it.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="UpdatedTokenCache">The new cache (e.g. a rotated refresh token), or <see langword="null"/> when unchanged.</param>
public sealed record OAuthTokenResult(CrmAccessToken AccessToken, ReadOnlyMemory<byte>? UpdatedTokenCache)
{
    /// <summary>Never the token or cache.</summary>
    /// <returns>A placeholder.</returns>
    public override string ToString() => $"OAuthTokenResult {{ Changed = {UpdatedTokenCache is not null} }}";
}
