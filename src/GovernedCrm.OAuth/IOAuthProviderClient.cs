namespace GovernedCrm.OAuth;

/// <summary>
/// The server as an OAuth client of one CRM provider. Token caches are opaque bytes the caller stores (encrypted) per
/// (MCP user, provider); each call works only on the cache it is given, so one instance serves every user.
/// </summary>
public interface IOAuthProviderClient
{
    /// <summary>The provider name (<see cref="OAuthProviderOptions.Name"/>).</summary>
    string Name { get; }

    /// <summary>Builds an authorization request: code flow with PKCE S256.</summary>
    /// <param name="state">The opaque state to echo back (binds the callback to the flow that started it).</param>
    /// <param name="redirectUri">The server's callback URL, registered at the provider.</param>
    /// <param name="cancellationToken">Cancels the work (discovery may be fetched).</param>
    /// <returns>The URL and the code verifier.</returns>
    Task<OAuthAuthorizationRequest> CreateAuthorizationRequestAsync(string state, Uri redirectUri, CancellationToken cancellationToken);

    /// <summary>Redeems an authorization code.</summary>
    /// <param name="code">The code from the callback.</param>
    /// <param name="codeVerifier">The verifier of the request that got the code.</param>
    /// <param name="redirectUri">The same redirect URI as in the request.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The token cache to store and the signed-in subject.</returns>
    /// <exception cref="OAuthGrantRevokedException">The provider refused the code (<c>invalid_grant</c>).</exception>
    /// <exception cref="OAuthProviderException">The provider failed otherwise.</exception>
    Task<OAuthConnection> RedeemCodeAsync(string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken);

    /// <summary>Reads the cached access token without any network call, or <see langword="null"/> when there is none or the cache is unreadable.</summary>
    /// <param name="tokenCache">The stored cache.</param>
    /// <returns>The cached token (possibly expired).</returns>
    CrmAccessToken? ReadCachedAccessToken(ReadOnlyMemory<byte> tokenCache);

    /// <summary>Acquires an access token from a cache, refreshing with the refresh token when needed or forced.</summary>
    /// <param name="tokenCache">The stored cache.</param>
    /// <param name="forceRefresh">Refresh even if the cached access token looks valid.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The token, and the new cache when it changed (store it: the old refresh token may be rotated out).</returns>
    /// <exception cref="OAuthGrantRevokedException">The grant is gone (revoked, expired, reused) or the cache is unusable.</exception>
    /// <exception cref="OAuthProviderException">The provider failed otherwise.</exception>
    Task<OAuthTokenResult> AcquireAccessTokenAsync(ReadOnlyMemory<byte> tokenCache, bool forceRefresh, CancellationToken cancellationToken);
}
