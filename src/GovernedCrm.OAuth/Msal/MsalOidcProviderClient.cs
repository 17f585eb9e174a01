using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Identity.Client;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace GovernedCrm.OAuth.Msal;

/// <summary>
/// An OpenID provider driven by MSAL (<c>WithOidcAuthority</c>, confidential client with a secret): authorization code
/// with PKCE, then silent acquisition with the refresh token. Each call builds a short-lived MSAL application whose
/// user token cache is bound to the bytes of that call only, so one instance serves every user without mixing caches.
/// The stored cache is an <see cref="MsalTokenCache"/> envelope around MSAL's <c>SerializeMsalV3</c> bytes.
/// </summary>
public sealed partial class MsalOidcProviderClient : IOAuthProviderClient
{
    private readonly OAuthProviderOptions _options;
    private readonly string _authority;
    private readonly string[] _scopes;
    private readonly MsalHttpClientFactory _httpFactory;
    private readonly MsalLogBridge _msalLog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    /// <param name="options">The provider (kind <see cref="OAuthProviderKind.Oidc"/>); validated here.</param>
    /// <param name="httpClient">The HTTP client MSAL uses (not disposed here; its handler decides which certificates are trusted).</param>
    /// <param name="time">
    /// The clock expiries are stated in: MSAL computes a token's expiry on the system clock; its remaining lifetime is
    /// re-based onto this clock, so the broker compares like with like (the same clock in production).
    /// </param>
    /// <param name="loggerFactory">Where this client's and MSAL's logs go (PII off; never token values).</param>
    /// <exception cref="OAuthConfigurationException">The options are invalid or not of kind Oidc.</exception>
    public MsalOidcProviderClient(OAuthProviderOptions options, HttpClient httpClient, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(time);
        options.ValidateFor(OAuthProviderKind.Oidc, "MSAL drives OpenID providers only");

        _options = options;
        _authority = options.Authority!.AbsoluteUri.TrimEnd('/');
        _scopes = [.. options.Scopes];
        _httpFactory = new MsalHttpClientFactory(httpClient);
        _time = time;
        loggerFactory ??= NullLoggerFactory.Instance;
        _msalLog = new MsalLogBridge(loggerFactory.CreateLogger("GovernedCrm.OAuth.Msal"));
        _logger = loggerFactory.CreateLogger<MsalOidcProviderClient>();
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public async Task<OAuthAuthorizationRequest> CreateAuthorizationRequestAsync(string state, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var (app, _) = CreateApp(redirectUri, null);
        var request = app.GetAuthorizationRequestUrl(_scopes).WithPkce(out var verifier);
        var url = await Call(() => request.ExecuteAsync(cancellationToken), "authorization request").ConfigureAwait(false);
        return new OAuthAuthorizationRequest(WithState(url, state), verifier);
    }

    /// <inheritdoc/>
    public async Task<OAuthConnection> RedeemCodeAsync(string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var (app, slot) = CreateApp(redirectUri, null);
        var result = await Call(
            () => app.AcquireTokenByAuthorizationCode(_scopes, code).WithPkceCodeVerifier(codeVerifier).ExecuteAsync(cancellationToken),
            "authorization_code").ConfigureAwait(false);
        if (result.Account?.HomeAccountId?.Identifier is not { Length: > 0 } accountId)
        {
            throw new OAuthProviderException($"The provider '{Name}' returned no ID token, so MSAL has no account to refresh with: configure it as kind oauth2.");
        }

        var subject = result.ClaimsPrincipal?.FindFirst("sub")?.Value ?? result.Account.HomeAccountId.ObjectId;
        LogRedeemed(_logger, Name);
        return new OAuthConnection(ToCache(result, accountId, slot.Bytes!).Serialize(), subject);
    }

    /// <inheritdoc/>
    public CrmAccessToken? ReadCachedAccessToken(ReadOnlyMemory<byte> tokenCache) =>
        MsalTokenCache.TryDeserialize(tokenCache.Span) is { } cache ? ToToken(cache) : null;

    /// <inheritdoc/>
    public async Task<OAuthTokenResult> AcquireAccessTokenAsync(ReadOnlyMemory<byte> tokenCache, bool forceRefresh, CancellationToken cancellationToken)
    {
        var cache = MsalTokenCache.TryDeserialize(tokenCache.Span)
            ?? throw new OAuthGrantRevokedException($"The stored token cache for '{Name}' is unreadable: connect again.");
        var (app, slot) = CreateApp(null, cache.Msal);
        var account = await app.GetAccountAsync(cache.AccountId).ConfigureAwait(false)
            ?? throw new OAuthGrantRevokedException($"The stored token cache for '{Name}' holds no account: connect again.");
        var result = await Call(
            () => app.AcquireTokenSilent(_scopes, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken),
            "refresh_token").ConfigureAwait(false);
        if (!slot.Changed && string.Equals(result.AccessToken, cache.AccessToken, StringComparison.Ordinal))
        {
            return new OAuthTokenResult(ToToken(cache), null);
        }

        var updated = ToCache(result, cache.AccountId, slot.Bytes ?? cache.Msal);
        LogRefreshed(_logger, Name, updated.ExpiresAt);
        return new OAuthTokenResult(ToToken(updated), updated.Serialize());
    }

    private (IConfidentialClientApplication App, CacheSlot Slot) CreateApp(Uri? redirectUri, byte[]? msalCache)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(_options.ClientId)
            .WithClientSecret(_options.ClientSecret)
            .WithOidcAuthority(_authority)
            .WithHttpClientFactory(_httpFactory)
            .WithLogging(_msalLog.Log, _msalLog.Level, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        if (redirectUri is not null)
        {
            builder = builder.WithRedirectUri(redirectUri.AbsoluteUri);
        }

        var app = builder.Build();
        var slot = new CacheSlot { Bytes = msalCache };
        app.UserTokenCache.SetBeforeAccess(args =>
        {
            if (slot.Bytes is { Length: > 0 } bytes)
            {
                args.TokenCache.DeserializeMsalV3(bytes, shouldClearExistingCache: true);
            }
        });
        app.UserTokenCache.SetAfterAccess(args =>
        {
            if (args.HasStateChanged)
            {
                slot.Bytes = args.TokenCache.SerializeMsalV3();
                slot.Changed = true;
            }
        });
        return (app, slot);
    }

    // MSAL's failures in OAuth terms: a grant the provider no longer honours (or no refresh token) means reconnect.
    private async Task<T> Call<T>(Func<Task<T>> call, string grantType)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MsalUiRequiredException ex)
        {
            LogRefused(_logger, Name, grantType, ex.ErrorCode);
            throw new OAuthGrantRevokedException($"The provider '{Name}' no longer honours the grant ({ex.ErrorCode}): connect again.", ex);
        }
        catch (MsalServiceException ex) when (string.Equals(ex.ErrorCode, "invalid_grant", StringComparison.Ordinal))
        {
            LogRefused(_logger, Name, grantType, ex.ErrorCode);
            throw new OAuthGrantRevokedException($"The provider '{Name}' refused the {grantType} grant (invalid_grant): connect again.", ex);
        }
        catch (MsalException ex)
        {
            LogRefused(_logger, Name, grantType, ex.ErrorCode);
            throw new OAuthProviderException($"The provider '{Name}' failed the {grantType} request ({ex.ErrorCode}).", ex);
        }
    }

    private MsalTokenCache ToCache(AuthenticationResult result, string accountId, byte[] msal)
    {
        string? instanceUrl = null;
        result.AdditionalResponseParameters?.TryGetValue("instance_url", out instanceUrl);
        var remaining = result.ExpiresOn - TimeProvider.System.GetUtcNow();
        var expiresAt = _time.GetUtcNow() + remaining;
        return new MsalTokenCache(MsalTokenCache.CurrentVersion, accountId, result.AccessToken, expiresAt.ToUnixTimeSeconds(), instanceUrl, msal);
    }

    private CrmAccessToken ToToken(MsalTokenCache cache) => new(
        cache.AccessToken,
        DateTimeOffset.FromUnixTimeSeconds(cache.ExpiresAt),
        Uri.TryCreate(cache.InstanceUrl, UriKind.Absolute, out var instance) ? instance : _options.ApiBaseUrl);

    private static Uri WithState(Uri url, string state)
    {
        var query = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("state=", StringComparison.Ordinal))
            .Append($"state={Uri.EscapeDataString(state)}");
        return new UriBuilder(url) { Query = string.Join('&', query) }.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth provider {Provider}: authorization code redeemed through MSAL")]
    private static partial void LogRedeemed(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth provider {Provider}: access token refreshed through MSAL, expires at {ExpiresAt} (unix seconds)")]
    private static partial void LogRefreshed(ILogger logger, string provider, long expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth provider {Provider}: MSAL {GrantType} request failed with {ErrorCode}")]
    private static partial void LogRefused(ILogger logger, string provider, string grantType, string errorCode);

    // The serialized MSAL cache of one call: read before MSAL touches the cache, replaced after MSAL changed it.
    private sealed class CacheSlot
    {
        public byte[]? Bytes { get; set; }

        public bool Changed { get; set; }
    }
}
