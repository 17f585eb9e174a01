using GovernedCrm.Crm.Providers;
using GovernedCrm.Crm.Remote;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.OAuth;
using GovernedCrm.OAuth.Broker;
using GovernedCrm.Store.Vault;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// The remote CRMs of a connectors file, built: one OAuth client per provider (the one its registered
/// <see cref="CrmProvider"/> chose), the token broker over the vault, and one connector per provider (built by the same
/// entry) whose HTTP pipeline injects the calling user's own token. Owns the HTTP clients.
/// </summary>
/// <param name="oauthHttp">The HTTP client for OAuth endpoints.</param>
/// <param name="crmHttp">The CRM APIs' HTTP clients (resilience and the token handler in their pipelines).</param>
/// <param name="broker">The token broker.</param>
/// <param name="vault">The token vault.</param>
/// <param name="connectorByTenant">The remote connector of each remote tenant.</param>
/// <param name="providerByTenant">The provider of each remote tenant.</param>
internal sealed class RemoteCrms(
    HttpClient oauthHttp, RemoteCrmHttpClients crmHttp, CrmTokenBroker broker, ITokenVault vault,
    IReadOnlyDictionary<string, ICrmConnector> connectorByTenant, IReadOnlyDictionary<string, string> providerByTenant) : IAsyncDisposable
{
    /// <summary>The token broker (refreshes through the vault, one caller per user and provider at a time).</summary>
    public CrmTokenBroker Broker { get; } = broker;

    /// <summary>The token vault.</summary>
    public ITokenVault Vault { get; } = vault;

    /// <summary>The remote connector of each remote tenant.</summary>
    public IReadOnlyDictionary<string, ICrmConnector> ConnectorByTenant { get; } = connectorByTenant;

    /// <summary>The provider of each remote tenant.</summary>
    public IReadOnlyDictionary<string, string> ProviderByTenant { get; } = providerByTenant;

    /// <summary>The HTTP client for OAuth endpoints (the connectors file's extra roots trusted).</summary>
    public HttpClient OAuthHttp { get; } = oauthHttp;

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
        var crmHttp = new RemoteCrmHttpClients(
            configuration.Providers.Keys, broker, () => TrustedRootsHandler.Create(configuration.TrustedCertificates));
        var connectors = configuration.Providers.Values.ToDictionary(p => p.Name, p => Connector(p, crmHttp.For(p.Name)), StringComparer.Ordinal);
        var byTenant = configuration.Tenants.ToDictionary(t => t.Key, t => connectors[t.Value], StringComparer.Ordinal);
        return new RemoteCrms(oauthHttp, crmHttp, broker, vault, byTenant, configuration.Tenants);
    }

    /// <summary>The sign-in client for the connect page's same-user check.</summary>
    /// <param name="signIn">The sign-in settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">The loggers.</param>
    /// <returns>The client.</returns>
    public IOAuthProviderClient SignInClient(SignInConfiguration signIn, TimeProvider time, ILoggerFactory loggers) =>
        OAuthProviderClients.Create(
            "sign-in", CrmOAuthClient.OpenIdConnect(signIn.Authority), signIn.ClientId, signIn.ClientSecret, ["openid"], OAuthHttp, time, loggers);

    public ValueTask DisposeAsync()
    {
        crmHttp.Dispose();
        OAuthHttp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static IOAuthProviderClient Client(ProviderConfiguration provider, HttpClient http, TimeProvider time, ILoggerFactory loggers) =>
        OAuthProviderClients.Create(
            provider.Name, provider.Kind.OAuthClient(provider.Settings), provider.Settings.ClientId!, provider.ClientSecret, provider.Settings.Scopes,
            http, time, loggers);

    private static ICrmConnector Connector(ProviderConfiguration provider, HttpClient http) =>
        provider.Kind.CreateConnector(provider.Name, provider.Settings, http);
}
