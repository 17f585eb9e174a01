using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using GovernedCrm.AdminConsole;
using GovernedCrm.AdminConsole.Security;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Hosting;
using GovernedCrm.Testing.Identity;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ModelContextProtocol.Client;

namespace GovernedCrm.Console.Tests.Fixtures;

/// <summary>
/// One real stack for the browser tests: the test OpenID provider (tests/idp) with the console registered as a client
/// and accounts carrying roles and tenants, <c>serve --http</c>'s host on a real loopback port with that issuer (the
/// console signs in with OpenID Connect; its back channel trusts only the provider's pinned certificate), and the
/// system's headless Chromium, which trusts the provider's certificate only (by its SPKI) and nothing else. MCP calls
/// that make proposals carry bearer tokens for the same issuer, signed by keys the server reads from a JWKS file.
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime, IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ClientId = "governedcrm-console";

    private readonly TestIssuer _tokens = new();
    private readonly string _clientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private HttpTestServer? _server;
    private IPlaywright? _playwright;

    public TestIdentityProvider Idp { get; private set; } = null!;

    public WebApplication App => _server!.App;

    public IBrowser Browser { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("governedcrm-console-").FullName;

    public Uri BaseUrl { get; private set; } = null!;

    public string Issuer => Idp.Authority.GetLeftPart(UriPartial.Authority);

    public string Audience => BaseUrl.AbsoluteUri.TrimEnd('/') + "/mcp";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (eng/test.sh does: apt-get install chromium).");
        }

        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        Idp = await TestIdentityProvider.StartAsync(new TestIdentityProviderOptions
        {
            Clients = [new TestClient(ClientId, _clientSecret, [new Uri(BaseUrl, ConsoleSchemes.CallbackPath)])],
            Accounts = new Dictionary<string, TestAccount>
            {
                ["maria"] = new(["manager", "rep"], "default"),
                ["vera"] = new(["viewer"], "default"),
                ["olga"] = new(["manager"], "northwind"),
                ["aida"] = new(["auditor"], "default"),
                ["otto"] = new(["auditor"], "northwind"),
            },
        });

        // The console's client at the issuer, as an operator configures it.
        Environment.SetEnvironmentVariable(ConsoleOptions.ClientIdVariable, ClientId);
        Environment.SetEnvironmentVariable(ConsoleOptions.ClientSecretVariable, _clientSecret);

        // Checkpoints every few entries, so that entries written by a test are covered by a signed checkpoint (their proofs exist).
        Environment.SetEnvironmentVariable(AuditLocations.CheckpointEveryEnvironmentVariable, "5");

        var jwt = JwtSettings.Resolve(new JwtOptions(Issuer, null, _tokens.JwksFile), BaseUrl.AbsoluteUri.TrimEnd('/'), _ => null)!;
        var pinned = Idp.Certificate;
        _server = await HttpTestServer.StartAsync(jwt, folderPath: Folder, urls: BaseUrl.AbsoluteUri.TrimEnd('/'), web: web =>
            web.ConfigureServices(s => s.PostConfigure<OpenIdConnectOptions>(ConsoleSchemes.OpenIdConnect, o => o.BackchannelHttpHandler = LoopbackCertificate.PinnedHandler(pinned))));

        _playwright = await Playwright.CreateAsync();
        var spki = Convert.ToBase64String(SHA256.HashData(Idp.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = [$"--ignore-certificate-errors-spki-list={spki}"],
        });
    }

    /// <summary>A browser context (its own cookies) signed in at the provider as <paramref name="user"/>, on a console page.</summary>
    public async Task<IPage> SignInAsync(string user)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "idp_test_user", Value = user, Url = Issuer }]);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(BaseUrl, "console").AbsoluteUri);
        await page.WaitForURLAsync(url => url.StartsWith(BaseUrl.AbsoluteUri + "console", StringComparison.Ordinal) && !url.Contains("signed-in", StringComparison.Ordinal));
        await page.Locator(".who .user").WaitForAsync();
        return page;
    }

    /// <summary>An MCP client calling as <paramref name="user"/> with <paramref name="roles"/> in <paramref name="tenant"/>.</summary>
    public Task<McpClient> McpAsync(string user, string[] roles, string tenant = "default")
    {
        var claims = new Dictionary<string, object> { ["roles"] = roles, ["tenant"] = tenant };
        var token = _tokens.Token(user, claims, issuer: Issuer, audience: Audience);
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return McpClient.CreateAsync(new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = new Uri(Audience), TransportMode = HttpTransportMode.StreamableHttp }, http, ownsHttpClient: true));
    }

    /// <summary>Proposes a change of a deal's amount through MCP (CRM.UpdateRecord), which the policy sends for approval.</summary>
    public async Task<string> ProposeAsync(string user, string[] roles, string deal, decimal amount, string tenant = "default")
    {
        await using var client = await McpAsync(user, roles, tenant);
        var result = await client.CallToolAsync("CRM.UpdateRecord", new Dictionary<string, object?>
        {
            ["objectType"] = "deal",
            ["recordId"] = deal,
            ["properties"] = new Dictionary<string, object?> { ["amount"] = amount },
            ["reason"] = $"The customer signed for the larger package ({amount}).",
            ["confidence"] = 0.82,
        });
        result.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("pending_approval", result.StructuredContent.Value.GetRawText());
        return result.StructuredContent.Value.GetProperty("approvalId").GetString()!;
    }

    /// <summary>A deal's amount as stored in the CRM file.</summary>
    public async Task<string?> DealAmountAsync(string deal)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "crm.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT amount FROM deals WHERE id = $id";
        command.Parameters.AddWithValue("$id", deal);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>Every audit entry written so far, all chains.</summary>
    public Task<List<AuditEntry>> AuditEntriesAsync() => _server!.AuditEntriesAsync();

    /// <summary>The audit public key (what an auditor pins for <c>audit check-proof</c>).</summary>
    public string AuditPublicKey => AuditKeys.ReadPublicKey(_server!.Resources.AuditPaths);

    /// <summary>
    /// Changes one byte of the stored body of entry <paramref name="sequence"/> of <paramref name="chain"/> under the
    /// running server, with a separate SQLite connection (as the audit tamper tests do: the append-only triggers are
    /// dropped first). Disposing the answer puts the byte and the triggers back.
    /// </summary>
    public async Task<IAsyncDisposable> TamperAsync(string chain, long sequence)
    {
        var connection = new SqliteConnection($"Data Source={_server!.Resources.AuditPaths.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var triggers = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_entries_append_only_update', 'audit_entries_append_only_delete')";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                triggers.Add(reader.GetString(0));
            }
        }

        byte[] original;
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT body FROM audit_entries WHERE chain = $chain AND seq = $seq";
            read.Parameters.AddWithValue("$chain", chain);
            read.Parameters.AddWithValue("$seq", sequence);
            original = (byte[])(await read.ExecuteScalarAsync())!;
        }

        var edited = (byte[])original.Clone();
        edited[^3] ^= 0x01;
        await ExecuteAsync(connection, "DROP TRIGGER IF EXISTS audit_entries_append_only_update; DROP TRIGGER IF EXISTS audit_entries_append_only_delete;");
        await SetBodyAsync(connection, chain, sequence, edited);
        return new Restore(async () =>
        {
            await SetBodyAsync(connection, chain, sequence, original);
            foreach (var trigger in triggers)
            {
                await ExecuteAsync(connection, trigger);
            }

            await connection.DisposeAsync();
        });
    }

    private static async Task SetBodyAsync(SqliteConnection connection, string chain, long sequence, byte[] body)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE audit_entries SET body = $body WHERE chain = $chain AND seq = $seq";
        update.Parameters.AddWithValue("$body", body);
        update.Parameters.AddWithValue("$chain", chain);
        update.Parameters.AddWithValue("$seq", sequence);
        (await update.ExecuteNonQueryAsync()).Should().Be(1);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }

    /// <summary>
    /// Where the screenshots go: the test output folder, so a test run leaves the checkout as it was; with
    /// GOVERNEDCRM_UPDATE_SCREENSHOTS=1, docs/images in the repository (to refresh the documentation's pictures).
    /// </summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("GOVERNEDCRM_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot.Find(), "docs", "images")
            : Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        return Path.Combine(folder, $"console-{name}.png");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        TempFolder.Delete(Folder);
    }

    public void Dispose() => _tokens.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleBrowserGroup : ICollectionFixture<ConsoleBrowserFixture>
{
    public const string Name = "console browser";
}
