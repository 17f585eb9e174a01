using GovernedCrm.Governance.Credentials;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.OAuth.Broker;

/// <summary>
/// Gives connectors each user's CRM access token from the encrypted vault, refreshing through the provider's OAuth
/// client when the token expires soon or the CRM rejected it. A refresh of one (user, provider) runs one at a time,
/// in this process (a keyed semaphore) and across processes sharing the vault (a lock file): providers rotate refresh
/// tokens and revoke the whole grant when a rotated one is reused, so two concurrent refreshes would disconnect the
/// user. After taking the lock the cache is read again: when another caller already refreshed, its token is used.
/// A grant the provider no longer honours marks the connection <c>needs_reconnect</c>. Nothing logged carries a token.
/// </summary>
public sealed partial class CrmTokenBroker : ICrmAccessTokenSource
{
    private readonly ITokenVault _vault;
    private readonly Dictionary<string, IOAuthProviderClient> _clients;
    private readonly CrmTokenBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyedAsyncLock _locks = new();

    /// <summary>Creates the broker.</summary>
    /// <param name="vault">The token vault.</param>
    /// <param name="clients">The OAuth client of each provider, by <see cref="IOAuthProviderClient.Name"/>.</param>
    /// <param name="options">Lock folder and refresh margin.</param>
    /// <param name="time">The clock that decides whether a token expires soon.</param>
    /// <param name="logger">Where refreshes and disconnections are reported (user and provider only).</param>
    /// <exception cref="ArgumentException">Two clients share a name.</exception>
    public CrmTokenBroker(
        ITokenVault vault, IEnumerable<IOAuthProviderClient> clients, CrmTokenBrokerOptions options, TimeProvider time, ILogger<CrmTokenBroker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(options.LockFolder);
        _vault = vault;
        _clients = new Dictionary<string, IOAuthProviderClient>(StringComparer.Ordinal);
        foreach (var client in clients)
        {
            if (!_clients.TryAdd(client.Name, client))
            {
                throw new ArgumentException($"Two OAuth clients are named '{client.Name}'.", nameof(clients));
            }
        }

        _options = options;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Starts connecting: the authorization request to send the user to (keep the code verifier server-side).</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="state">The opaque state of the connect flow.</param>
    /// <param name="redirectUri">The server's callback URL.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">No client is configured for the provider.</exception>
    public Task<OAuthAuthorizationRequest> CreateAuthorizationRequestAsync(string provider, string state, Uri redirectUri, CancellationToken cancellationToken) =>
        Client(provider).CreateAuthorizationRequestAsync(state, redirectUri, cancellationToken);

    /// <summary>
    /// Finishes connecting: redeems the code and stores the token cache for (user, provider), replacing any previous
    /// one (a reconnect clears <c>needs_reconnect</c>). The caller checks that the user who finishes is the one who started.
    /// </summary>
    /// <param name="user">The MCP user who started the flow.</param>
    /// <param name="provider">The provider.</param>
    /// <param name="code">The authorization code.</param>
    /// <param name="codeVerifier">The PKCE verifier of the request.</param>
    /// <param name="redirectUri">The redirect URI of the request.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The provider-side subject, when known.</returns>
    /// <exception cref="OAuthGrantRevokedException">The provider refused the code.</exception>
    /// <exception cref="OAuthProviderException">The provider failed otherwise.</exception>
    public async Task<string?> ConnectAsync(
        string user, string provider, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var client = Client(provider);
        var connection = await client.RedeemCodeAsync(code, codeVerifier, redirectUri, cancellationToken).ConfigureAwait(false);
        using (await _locks.AcquireAsync(LockKey(user, provider), cancellationToken).ConfigureAwait(false))
        await using (await AcquireFileLockAsync(user, provider, cancellationToken).ConfigureAwait(false))
        {
            await _vault.StoreAsync(user, provider, connection.TokenCache, cancellationToken).ConfigureAwait(false);
        }

        LogConnected(_logger, user, provider);
        return connection.Subject;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">No client is configured for the provider.</exception>
    /// <exception cref="OAuthProviderException">The provider failed for a reason other than the grant (retry later).</exception>
    /// <exception cref="TimeoutException">Another process held the refresh lock too long.</exception>
    public async ValueTask<CrmAccessToken> GetAsync(string user, string provider, CrmAccessToken? rejected, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var client = Client(provider);
        var cache = await LoadAsync(user, provider, cancellationToken).ConfigureAwait(false);
        if (Usable(client.ReadCachedAccessToken(cache), rejected) is { } token)
        {
            return token;
        }

        return await RefreshAsync(user, provider, client, rejected, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CrmAccessToken> RefreshAsync(
        string user, string provider, IOAuthProviderClient client, CrmAccessToken? rejected, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(LockKey(user, provider), cancellationToken).ConfigureAwait(false))
        await using (await AcquireFileLockAsync(user, provider, cancellationToken).ConfigureAwait(false))
        {
            // Another caller (thread or process) may have refreshed while this one waited: its token is as good.
            var cache = await LoadAsync(user, provider, cancellationToken).ConfigureAwait(false);
            if (Usable(client.ReadCachedAccessToken(cache), rejected) is { } current)
            {
                return current;
            }

            OAuthTokenResult result;
            try
            {
                result = await client.AcquireAccessTokenAsync(cache, forceRefresh: true, cancellationToken).ConfigureAwait(false);
            }
            catch (OAuthGrantRevokedException)
            {
                await _vault.MarkNeedsReconnectAsync(user, provider, CancellationToken.None).ConfigureAwait(false);
                LogGrantRevoked(_logger, user, provider);
                throw new CrmNotConnectedException(provider, $"The connection to {provider} was revoked or expired: connect again.");
            }

            if (result.UpdatedTokenCache is { } updated)
            {
                await _vault.StoreAsync(user, provider, updated, CancellationToken.None).ConfigureAwait(false);
            }

            LogRefreshed(_logger, user, provider, result.AccessToken.ExpiresAt);
            return result.AccessToken;
        }
    }

    private async Task<ReadOnlyMemory<byte>> LoadAsync(string user, string provider, CancellationToken cancellationToken) =>
        await _vault.LoadAsync(user, provider, cancellationToken).ConfigureAwait(false)
            ?? throw new CrmNotConnectedException(provider, $"Not connected to {provider}: connect the account first.");

    private CrmAccessToken? Usable(CrmAccessToken? token, CrmAccessToken? rejected) =>
        token is not null
        && !token.Equals(rejected)
        && (token.ExpiresAt is null || token.ExpiresAt.Value - _options.RefreshBeforeExpiry > _time.GetUtcNow())
            ? token
            : null;

    private Task<RefreshLockFile> AcquireFileLockAsync(string user, string provider, CancellationToken cancellationToken) =>
        RefreshLockFile.AcquireAsync(RefreshLockFile.PathFor(_options.LockFolder, user, provider), _options.LockTimeout, cancellationToken);

    private IOAuthProviderClient Client(string provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        return _clients.TryGetValue(provider, out var client)
            ? client
            : throw new ArgumentException($"No OAuth client is configured for provider '{provider}'.", nameof(provider));
    }

    private static string LockKey(string user, string provider) => $"{user.Length}:{user}|{provider}";

    [LoggerMessage(Level = LogLevel.Information, Message = "User {User} connected {Provider}")]
    private static partial void LogConnected(ILogger logger, string user, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the {Provider} access token of user {User}; it expires at {ExpiresAt}")]
    private static partial void LogRefreshed(ILogger logger, string user, string provider, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Provider} grant of user {User} was revoked or expired at the provider: marked needs_reconnect")]
    private static partial void LogGrantRevoked(ILogger logger, string user, string provider);
}
