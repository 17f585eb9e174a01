using GovernedCrm.Crm.Providers;
using GovernedCrm.OAuth.Msal;
using GovernedCrm.OAuth.OAuth2;

namespace GovernedCrm.OAuth;

/// <summary>
/// Builds the OAuth client a CRM provider chose (<see cref="CrmOAuthClient"/>): MSAL for an OpenID provider, the
/// plain OAuth 2.0 + PKCE client otherwise. The one place that maps a protocol to a client class.
/// </summary>
public static class OAuthProviderClients
{
    /// <summary>Creates the client.</summary>
    /// <param name="name">The provider name (the vault's provider key).</param>
    /// <param name="client">The protocol and endpoints.</param>
    /// <param name="clientId">The client id registered at the provider.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <param name="scopes">The scopes to ask for.</param>
    /// <param name="http">The HttpClient for the provider's endpoints.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">The loggers.</param>
    /// <returns>The client.</returns>
    public static IOAuthProviderClient Create(
        string name, CrmOAuthClient client, string clientId, string clientSecret, IReadOnlyList<string> scopes,
        HttpClient http, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(loggers);
        return client.Protocol switch
        {
            CrmOAuthProtocol.OpenIdConnect => new MsalOidcProviderClient(
                new OAuthProviderOptions
                {
                    Name = name,
                    Kind = OAuthProviderKind.Oidc,
                    Authority = client.Authority,
                    ClientId = clientId,
                    ClientSecret = clientSecret,
                    Scopes = scopes,
                },
                http, time, loggers),
            CrmOAuthProtocol.OAuth2Pkce => new OAuth2PkceProviderClient(
                new OAuthProviderOptions
                {
                    Name = name,
                    Kind = OAuthProviderKind.OAuth2,
                    AuthorizationEndpoint = client.AuthorizeUrl,
                    TokenEndpoint = client.TokenUrl,
                    ClientId = clientId,
                    ClientSecret = clientSecret,
                    Scopes = scopes,
                },
                http, time, loggers.CreateLogger<OAuth2PkceProviderClient>()),
            _ => throw new OAuthConfigurationException($"OAuth provider '{name}' uses an unknown protocol {client.Protocol}."),
        };
    }
}
