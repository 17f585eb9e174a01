using GovernedCrm.Crm;
using GovernedCrm.Crm.HubSpot;
using GovernedCrm.Crm.Remote;
using GovernedCrm.Crm.Salesforce;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.OAuth;
using GovernedCrm.OAuth.Broker;
using GovernedCrm.OAuth.Msal;
using GovernedCrm.OAuth.OAuth2;
using GovernedCrm.Store.Vault;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Hosting.Connectors;

/// <summary>
/// The remote CRMs of a connectors file, built: one OAuth client per provider (MSAL for Salesforce's OpenID provider,
/// plain OAuth 2.0 + PKCE for HubSpot), the token broker over the vault, and one connector per provider whose HTTP
/// pipeline injects the calling user's own token. Owns the HTTP clients.
/// </summary>
internal sealed class RemoteCrms : IAsyncDisposable
{
    private readonly HttpClient _oauthHttp;
    private readonly HttpClient _crmHttp;

    private RemoteCrms(
        HttpClient oauthHttp, HttpClient crmHttp, CrmTokenBroker broker, ITokenVault vault,
        IReadOnlyDictionary<string, ICrmConnector> connectorByTenant, IReadOnlyDictionary<string, string> providerByTenant)
    {
        _oauthHttp = oauthHttp;
        _crmHttp = crmHttp;
        Broker = broker;
        Vault = vault;
        ConnectorByTenant = connectorByTenant;
        ProviderByTenant = providerByTenant;
    }

    /// <summary>The token broker (refreshes through the vault, one caller per user and provider at a time).</summary>
    public CrmTokenBroker Broker { get; }

    /// <summary>The token vault.</summary>
    public ITokenVault Vault { get; }

    /// <summary>The remote connector of each remote tenant.</summary>
    public IReadOnlyDictionary<string, ICrmConnector> ConnectorByTenant { get; }

    /// <summary>The provider of each remote tenant.</summary>
    public IReadOnlyDictionary<string, string> ProviderByTenant { get; }

    /// <summary>The HTTP client for OAuth endpoints (the connectors file's extra roots trusted).</summary>
    public HttpClient OAuthHttp => _oauthHttp;

    /// <summary>
    /// Opens the data folder's token vault and builds the remote CRMs over it. The vault must have a key: without one no
    /// user could ever be connected, which is a configuration error, not a state.
    /// </summary>
    public static async Task<RemoteCrms> OpenAsync(ConnectorsConfiguration configuration, DataFolder folder, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var vault = await SqliteTokenVault.OpenAsync(
            folder.Path, Environment.GetEnvironmentVariable(VaultKeyRing.EnvironmentVariable), TimeProvider.System,
            loggers.CreateLogger<SqliteTokenVault>(), cancellationToken).ConfigureAwait(false);
        if (vault.Keys is null)
        {
            throw new StartupException(
                "the connectors file needs the token vault, which has no usable key (keys/vault.keys in the data folder is missing while the vault has rows, " +
                $"or {VaultKeyRing.EnvironmentVariable} is unset): restore the key file or set the variable; see README, \"Token vault\"");
        }

        return Create(configuration, folder, vault, TimeProvider.System, loggers);
    }

    public static RemoteCrms Create(ConnectorsConfiguration configuration, DataFolder folder, ITokenVault vault, TimeProvider time, ILoggerFactory loggers)
    {
        var oauthHttp = new HttpClient(TrustedRootsHandler.Create(configuration.TrustedCertificates)) { Timeout = TimeSpan.FromSeconds(30) };
        var clients = configuration.Providers.Values.Select(p => Client(p, oauthHttp, time, loggers)).ToList();
        var broker = new CrmTokenBroker(
            vault, clients, new CrmTokenBrokerOptions { LockFolder = Path.Combine(folder.Path, "locks", "oauth") }, time, loggers.CreateLogger<CrmTokenBroker>());
        var crmHttp = new HttpClient(new CrmAccessTokenHandler(broker) { InnerHandler = TrustedRootsHandler.Create(configuration.TrustedCertificates) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var connectors = configuration.Providers.Values.ToDictionary(p => p.Name, p => Connector(p, crmHttp), StringComparer.Ordinal);
        var byTenant = configuration.Tenants.ToDictionary(t => t.Key, t => connectors[t.Value], StringComparer.Ordinal);
        return new RemoteCrms(oauthHttp, crmHttp, broker, vault, byTenant, configuration.Tenants);
    }

    /// <summary>The sign-in client for the connect page's same-user check.</summary>
    /// <param name="signIn">The sign-in settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">The loggers.</param>
    /// <returns>The client.</returns>
    public IOAuthProviderClient SignInClient(SignInConfiguration signIn, TimeProvider time, ILoggerFactory loggers) =>
        new MsalOidcProviderClient(
            new OAuthProviderOptions
            {
                Name = "sign-in",
                Kind = OAuthProviderKind.Oidc,
                Authority = signIn.Authority,
                ClientId = signIn.ClientId,
                ClientSecret = signIn.ClientSecret,
                Scopes = ["openid"],
            },
            _oauthHttp, time, loggers);

    public ValueTask DisposeAsync()
    {
        _crmHttp.Dispose();
        _oauthHttp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static IOAuthProviderClient Client(ProviderConfiguration provider, HttpClient http, TimeProvider time, ILoggerFactory loggers)
    {
        var settings = provider.Settings;
        return settings.Type == ConnectorsFileLoader.HubSpot
            ? new OAuth2PkceProviderClient(
                new OAuthProviderOptions
                {
                    Name = provider.Name,
                    Kind = OAuthProviderKind.OAuth2,
                    AuthorizationEndpoint = settings.AuthorizeUrl ?? HubSpotDefaults.AuthorizeUrl,
                    TokenEndpoint = settings.TokenUrl ?? HubSpotDefaults.TokenUrl,
                    ClientId = settings.ClientId!,
                    ClientSecret = provider.ClientSecret,
                    Scopes = settings.Scopes,
                },
                http, time, loggers.CreateLogger<OAuth2PkceProviderClient>())
            : new MsalOidcProviderClient(
                new OAuthProviderOptions
                {
                    Name = provider.Name,
                    Kind = OAuthProviderKind.Oidc,
                    Authority = settings.Authority ?? SalesforceDefaults.Authority,
                    ClientId = settings.ClientId!,
                    ClientSecret = provider.ClientSecret,
                    Scopes = settings.Scopes,
                },
                http, time, loggers);
    }

    private static ICrmConnector Connector(ProviderConfiguration provider, HttpClient http) =>
        provider.Settings.Type == ConnectorsFileLoader.HubSpot
            ? new HubSpotCrmConnector(http, new HubSpotCrmOptions
            {
                BaseAddress = provider.Settings.ApiBaseUrl ?? HubSpotDefaults.ApiBaseUrl,
                ProviderName = provider.Name,
            })
            : new SalesforceCrmConnector(http, new SalesforceCrmOptions
            {
                InstanceUrl = provider.Settings.ApiBaseUrl,
                ApiVersion = provider.Settings.ApiVersion ?? SalesforceDefaults.ApiVersion,
                ProviderName = provider.Name,
            });
}
