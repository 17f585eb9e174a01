using System.Security.Cryptography;
using System.Web;
using GovernedCrm.OAuth.Broker;
using GovernedCrm.OAuth.Msal;
using GovernedCrm.OAuth.OAuth2;
using GovernedCrm.Store;
using GovernedCrm.Store.Vault;
using GovernedCrm.Testing.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.OAuth.Tests;

/// <summary>
/// One test's world over the class's identity provider: a real encrypted vault on a temp governance.db, a lock folder,
/// a fake clock starting at the real time (MSAL stamps expiries on the system clock), logs captured at every level,
/// and user names of its own (so counters and revocations at the shared provider concern this test only).
/// </summary>
internal sealed class OAuthTestEnvironment : IDisposable
{
    public const string Oidc = IdentityProviderFixture.Oidc;
    public const string OAuth2 = IdentityProviderFixture.OAuth2;

    public static readonly Uri RedirectUri = IdentityProviderFixture.RedirectUri;

    private readonly IdentityProviderFixture _fixture;
    private readonly VaultKeyRing _keys = VaultKeyRing.Generate("k1");
    private readonly List<HttpClient> _httpClients = [];
    private readonly string _suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    public OAuthTestEnvironment(IdentityProviderFixture fixture) => _fixture = fixture;

    public TestIdentityProvider Idp => _fixture.Idp;

    public string Folder { get; } = Directory.CreateTempSubdirectory("governedcrm-oauth-").FullName;

    public string DatabasePath => Path.Combine(Folder, GovernanceDatabase.FileName);

    public string LockFolder => Path.Combine(Folder, "locks", "oauth");

    public string OidcSecret => _fixture.OidcSecret;

    public string OAuth2Secret => _fixture.OAuth2Secret;

    public string Alice => $"alice-{_suffix}";

    public string Bob => $"bob-{_suffix}";

    public FakeTimeProvider Time { get; } = new(TimeProvider.System.GetUtcNow());

    public CapturingLoggerProvider Logs { get; } = new();

    public Task<IdentityProviderStats> StatsAsync(string user) => Idp.GetStatsAsync(user);

    public async Task<SqliteTokenVault> OpenVaultAsync()
    {
        var database = new GovernanceDatabase(DatabasePath);
        await database.InitializeAsync(CancellationToken.None);
        return new SqliteTokenVault(database, _keys, Time, Logs.For<SqliteTokenVault>());
    }

    public MsalOidcProviderClient MsalClient() => new(
        new OAuthProviderOptions
        {
            Name = Oidc,
            Kind = OAuthProviderKind.Oidc,
            Authority = Idp.Authority,
            ClientId = Oidc,
            ClientSecret = OidcSecret,
            Scopes = ["crm.read"],
        },
        HttpClient(),
        Time,
        Logs.AsFactory());

    public OAuth2PkceProviderClient OAuth2Client() => new(
        new OAuthProviderOptions
        {
            Name = OAuth2,
            Kind = OAuthProviderKind.OAuth2,
            AuthorizationEndpoint = Idp.AuthorizationEndpoint,
            TokenEndpoint = Idp.TokenEndpoint,
            ClientId = OAuth2,
            ClientSecret = OAuth2Secret,
            Scopes = ["crm.read", "offline_access"],
            ApiBaseUrl = new Uri("https://api.crm.test/"),
        },
        HttpClient(),
        Time,
        Logs.For<OAuth2PkceProviderClient>());

    public async Task<CrmTokenBroker> BrokerAsync(SqliteTokenVault? vault = null) => new(
        vault ?? await OpenVaultAsync(),
        [MsalClient(), OAuth2Client()],
        new CrmTokenBrokerOptions { LockFolder = LockFolder },
        Time,
        Logs.For<CrmTokenBroker>());

    /// <summary>The whole connect flow: authorization request, headless sign-in as <paramref name="user"/>, state check, code redemption.</summary>
    public async Task<string?> ConnectAsync(CrmTokenBroker broker, string user, string provider)
    {
        var state = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var request = await broker.CreateAuthorizationRequestAsync(provider, state, RedirectUri, CancellationToken.None);
        var callback = await Idp.SignInAsync(request.Url, user, RedirectUri);
        var query = HttpUtility.ParseQueryString(callback.Query);
        query["error"].Should().BeNull($"the provider answered {query["error"]}: {query["error_description"]}");
        query["state"].Should().Be(state);
        return await broker.ConnectAsync(user, provider, query["code"]!, request.CodeVerifier, RedirectUri, CancellationToken.None);
    }

    public Task<TokenIntrospection> IntrospectAsync(string token, string provider) =>
        provider == Oidc ? Idp.IntrospectAsync(token, Oidc, OidcSecret) : Idp.IntrospectAsync(token, OAuth2, OAuth2Secret);

    /// <summary>Moves the clock to just inside the refresh margin of a token.</summary>
    public void AdvanceToRefreshWindow(Crm.Remote.CrmAccessToken token)
    {
        var target = token.ExpiresAt!.Value - TimeSpan.FromSeconds(30);
        Time.Advance(target - Time.GetUtcNow());
    }

    /// <summary>Every byte the vault left on disk: the database and its WAL and shared-memory files, and the lock files.</summary>
    public byte[] RawFiles()
    {
        SqliteConnection.ClearAllPools();
        using var all = new MemoryStream();
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }

        return all.ToArray();
    }

    public void Dispose()
    {
        foreach (var client in _httpClients)
        {
            client.Dispose();
        }

        _keys.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }

    private HttpClient HttpClient()
    {
        var client = Idp.CreateHttpClient();
        _httpClients.Add(client);
        return client;
    }
}
