using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.OAuth.OAuth2;

/// <summary>
/// A plain OAuth 2.0 client (HubSpot style: no discovery, no ID token): authorization code with PKCE S256 and the
/// <c>refresh_token</c> grant, client credentials in the form body. Its token cache is an <see cref="OAuth2TokenCache"/>
/// JSON document. A refresh answer without a new refresh token keeps the old one.
/// </summary>
public sealed partial class OAuth2PkceProviderClient : IOAuthProviderClient
{
    private readonly OAuthProviderOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    /// <param name="options">The provider (kind <see cref="OAuthProviderKind.OAuth2"/>); validated here.</param>
    /// <param name="httpClient">The HTTP client for the token endpoint (not disposed here).</param>
    /// <param name="time">The clock that turns <c>expires_in</c> into an expiry.</param>
    /// <param name="logger">Where outcomes go (never token values).</param>
    /// <exception cref="OAuthConfigurationException">The options are invalid or not of kind OAuth2.</exception>
    public OAuth2PkceProviderClient(OAuthProviderOptions options, HttpClient httpClient, TimeProvider time, ILogger<OAuth2PkceProviderClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(time);
        options.ValidateFor(OAuthProviderKind.OAuth2, "this client drives plain OAuth 2.0 providers");

        _options = options;
        _http = httpClient;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public Task<OAuthAuthorizationRequest> CreateAuthorizationRequestAsync(string state, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var verifier = Pkce.CreateVerifier();
        var query = string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = _options.ClientId,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["scope"] = string.Join(' ', _options.Scopes),
            ["state"] = state,
            ["code_challenge"] = Pkce.Challenge(verifier),
            ["code_challenge_method"] = "S256",
        }.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var endpoint = _options.AuthorizationEndpoint!.AbsoluteUri;
        var separator = endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Task.FromResult(new OAuthAuthorizationRequest(new Uri($"{endpoint}{separator}{query}"), verifier));
    }

    /// <inheritdoc/>
    public async Task<OAuthConnection> RedeemCodeAsync(string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var response = await PostAsync(
            "authorization_code",
            new()
            {
                ["code"] = code,
                ["code_verifier"] = codeVerifier,
                ["redirect_uri"] = redirectUri.AbsoluteUri,
            },
            cancellationToken).ConfigureAwait(false);
        var cache = ToCache(response, previousRefreshToken: null);
        LogRedeemed(_logger, Name, cache.RefreshToken is not null);
        return new OAuthConnection(cache.Serialize(), Subject: null);
    }

    /// <inheritdoc/>
    public CrmAccessToken? ReadCachedAccessToken(ReadOnlyMemory<byte> tokenCache) =>
        OAuth2TokenCache.TryDeserialize(tokenCache.Span) is { } cache ? ToToken(cache) : null;

    /// <inheritdoc/>
    public async Task<OAuthTokenResult> AcquireAccessTokenAsync(ReadOnlyMemory<byte> tokenCache, bool forceRefresh, CancellationToken cancellationToken)
    {
        var cache = OAuth2TokenCache.TryDeserialize(tokenCache.Span)
            ?? throw new OAuthGrantRevokedException($"The stored token cache for '{Name}' is unreadable: connect again.");
        var cached = ToToken(cache);
        if (!forceRefresh && (cached.ExpiresAt is null || cached.ExpiresAt > _time.GetUtcNow()))
        {
            return new OAuthTokenResult(cached, null);
        }

        if (cache.RefreshToken is null)
        {
            throw new OAuthGrantRevokedException($"The connection to '{Name}' has no refresh token: connect again.");
        }

        var response = await PostAsync("refresh_token", new() { ["refresh_token"] = cache.RefreshToken }, cancellationToken).ConfigureAwait(false);
        var refreshed = ToCache(response, cache.RefreshToken);
        LogRefreshed(_logger, Name, !string.Equals(refreshed.RefreshToken, cache.RefreshToken, StringComparison.Ordinal));
        return new OAuthTokenResult(ToToken(refreshed), refreshed.Serialize());
    }

    private async Task<OAuth2TokenResponse> PostAsync(string grantType, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        parameters["grant_type"] = grantType;
        parameters["client_id"] = _options.ClientId;
        parameters["client_secret"] = _options.ClientSecret;
        using var content = new FormUrlEncodedContent(parameters);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(_options.TokenEndpoint, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new OAuthProviderException($"The token endpoint of '{Name}' could not be reached ({grantType}).", ex);
        }

        using (response)
        {
            OAuth2TokenResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync(OAuth2JsonContext.Default.OAuth2TokenResponse, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                body = null;
            }

            if (response.IsSuccessStatusCode && body?.AccessToken is { Length: > 0 })
            {
                return body;
            }

            var error = body?.Error ?? "no_error_code";
            LogTokenEndpointError(_logger, Name, grantType, (int)response.StatusCode, error);
            if (string.Equals(error, "invalid_grant", StringComparison.Ordinal))
            {
                throw new OAuthGrantRevokedException($"The provider '{Name}' refused the {grantType} grant (invalid_grant): connect again.");
            }

            throw new OAuthProviderException($"The token endpoint of '{Name}' answered {(int)response.StatusCode} ({error}) to the {grantType} grant.");
        }
    }

    private OAuth2TokenCache ToCache(OAuth2TokenResponse response, string? previousRefreshToken) => new(
        OAuth2TokenCache.CurrentVersion,
        response.AccessToken!,
        response.RefreshToken ?? previousRefreshToken,
        response.ExpiresIn is { } seconds ? _time.GetUtcNow().AddSeconds(seconds).ToUnixTimeSeconds() : null,
        response.InstanceUrl);

    private CrmAccessToken ToToken(OAuth2TokenCache cache) => new(
        cache.AccessToken,
        cache.ExpiresAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null,
        Uri.TryCreate(cache.InstanceUrl, UriKind.Absolute, out var instance) ? instance : _options.ApiBaseUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth provider {Provider}: authorization code redeemed (refresh token issued: {HasRefreshToken})")]
    private static partial void LogRedeemed(ILogger logger, string provider, bool hasRefreshToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth provider {Provider}: access token refreshed (refresh token rotated: {Rotated})")]
    private static partial void LogRefreshed(ILogger logger, string provider, bool rotated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth provider {Provider}: token endpoint refused the {GrantType} grant with {Status} {Error}")]
    private static partial void LogTokenEndpointError(ILogger logger, string provider, string grantType, int status, string error);
}
