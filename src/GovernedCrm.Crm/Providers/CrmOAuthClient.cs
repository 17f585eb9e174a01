namespace GovernedCrm.Crm.Providers;

/// <summary>
/// A provider's OAuth client choice: the protocol and where it runs, defaults applied. The OAuth project turns it into
/// the client (see <c>OAuthProviderClients</c>); a provider only says which one it needs.
/// </summary>
public sealed record CrmOAuthClient
{
    private CrmOAuthClient(CrmOAuthProtocol protocol, Uri? authority, Uri? authorizeUrl, Uri? tokenUrl)
    {
        Protocol = protocol;
        Authority = authority;
        AuthorizeUrl = authorizeUrl;
        TokenUrl = tokenUrl;
    }

    /// <summary>The protocol.</summary>
    public CrmOAuthProtocol Protocol { get; }

    /// <summary>The OpenID authority (<see cref="CrmOAuthProtocol.OpenIdConnect"/> only).</summary>
    public Uri? Authority { get; }

    /// <summary>The authorize page (<see cref="CrmOAuthProtocol.OAuth2Pkce"/> only).</summary>
    public Uri? AuthorizeUrl { get; }

    /// <summary>The token endpoint (<see cref="CrmOAuthProtocol.OAuth2Pkce"/> only).</summary>
    public Uri? TokenUrl { get; }

    /// <summary>The connectors file key and value of each endpoint the protocol uses, for the file's checks.</summary>
    internal IReadOnlyList<(string Key, Uri? Url)> Endpoints => Protocol == CrmOAuthProtocol.OpenIdConnect
        ? [("authority", Authority)]
        : [("authorizeUrl", AuthorizeUrl), ("tokenUrl", TokenUrl)];

    /// <summary>An OpenID client with discovery at <paramref name="authority"/>.</summary>
    /// <param name="authority">The authority.</param>
    /// <returns>The choice.</returns>
    public static CrmOAuthClient OpenIdConnect(Uri authority) => new(CrmOAuthProtocol.OpenIdConnect, authority, null, null);

    /// <summary>A plain OAuth 2.0 client with PKCE at the given endpoints.</summary>
    /// <param name="authorizeUrl">The authorize page.</param>
    /// <param name="tokenUrl">The token endpoint.</param>
    /// <returns>The choice.</returns>
    public static CrmOAuthClient OAuth2Pkce(Uri authorizeUrl, Uri tokenUrl) => new(CrmOAuthProtocol.OAuth2Pkce, null, authorizeUrl, tokenUrl);
}
