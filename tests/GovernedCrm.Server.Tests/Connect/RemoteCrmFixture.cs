using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GovernedCrm.Testing.CrmDoubles;
using GovernedCrm.Testing.Identity;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>
/// A real OpenID provider (npm oidc-provider over HTTPS with a test certificate) with two clients, this server's
/// sign-in and a HubSpot-style CRM app, and a HubSpot contract double that checks every bearer token at the
/// provider's introspection endpoint and records who each call ran as. Every token the double is shown is kept, for
/// the leak checks.
/// </summary>
public sealed class RemoteCrmFixture : IAsyncLifetime
{
    public const string SignInClient = "governed-crm-signin";
    public const string CrmClient = "hubspot-app";
    public const string Provider = "hubspot";
    public const string SalesforceClient = "salesforce-app";
    public const string SalesforceProvider = "salesforce";

    public static readonly Uri ServerBase = new("http://localhost/");

    public TestIdentityProvider Idp { get; private set; } = null!;

    public HubSpotDouble HubSpot { get; private set; } = null!;

    /// <summary>The Salesforce double, for the tenant <c>northwind</c> (an OpenID provider, so MSAL drives its OAuth).</summary>
    public SalesforceDouble Salesforce { get; private set; } = null!;

    public string SalesforceSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string SignInSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string CrmSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Every bearer token presented to the CRM double.</summary>
    public ConcurrentDictionary<string, string?> SeenTokens { get; } = new(StringComparer.Ordinal);

    public string CertificateFile { get; private set; } = "";

    /// <summary>The loopback port `governed-crm connect` listens on in the tests (registered at the provider).</summary>
    public int CliPort { get; } = FreePort();

    /// <summary>The redirect URI of `governed-crm connect --port CliPort`.</summary>
    public Uri CliRedirect => new($"http://127.0.0.1:{CliPort}/callback");

    public async Task InitializeAsync()
    {
        Idp = await TestIdentityProvider.StartAsync(new TestIdentityProviderOptions
        {
            Clients =
            [
                new TestClient(SignInClient, SignInSecret, [new Uri(ServerBase, "connect/signin")]),
                new TestClient(CrmClient, CrmSecret, [new Uri(ServerBase, "connect/callback"), CliRedirect]),
                new TestClient(SalesforceClient, SalesforceSecret, [new Uri(ServerBase, "connect/callback")]),
            ],
        });
        CertificateFile = Path.Combine(Directory.CreateTempSubdirectory("governedcrm-idp-cert-").FullName, "idp.pem");
        await File.WriteAllTextAsync(CertificateFile, Idp.Certificate.ExportCertificatePem());
        HubSpot = new HubSpotDouble(async (token, _) =>
        {
            var introspection = await Idp.IntrospectAsync(token, CrmClient, CrmSecret);
            SeenTokens[token] = introspection.Subject;
            return introspection.Active ? introspection.Subject : null;
        });
        await HubSpot.StartAsync();
        Salesforce = new SalesforceDouble(async (token, _) =>
        {
            var introspection = await Idp.IntrospectAsync(token, SalesforceClient, SalesforceSecret);
            SeenTokens[token] = introspection.Subject;
            return introspection.Active ? introspection.Subject : null;
        });
        await Salesforce.StartAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await HubSpot.DisposeAsync();
        await Salesforce.DisposeAsync();
        await Idp.DisposeAsync();
    }

    /// <summary>Writes a connectors file for the default tenant on this double, and returns its path and the secrets' environment.</summary>
    public (string Path, Dictionary<string, string> Environment) WriteConnectorsFile(string folder)
    {
        var file = new JsonObject
        {
            ["publicUrl"] = ServerBase.AbsoluteUri,
            ["signIn"] = new JsonObject { ["authority"] = Idp.Authority.AbsoluteUri, ["clientId"] = SignInClient, ["clientSecretVariable"] = "TEST_SIGNIN_SECRET" },
            ["providers"] = new JsonObject
            {
                [Provider] = new JsonObject
                {
                    ["type"] = "hubspot",
                    ["clientId"] = CrmClient,
                    ["clientSecretVariable"] = "TEST_HUBSPOT_SECRET",
                    ["scopes"] = new JsonArray("crm.read", "crm.write", "offline_access"),
                    ["authorizeUrl"] = Idp.AuthorizationEndpoint.AbsoluteUri,
                    ["tokenUrl"] = Idp.TokenEndpoint.AbsoluteUri,
                    ["apiBaseUrl"] = HubSpot.BaseAddress.AbsoluteUri,
                },
                [SalesforceProvider] = new JsonObject
                {
                    ["type"] = "salesforce",
                    ["clientId"] = SalesforceClient,
                    ["clientSecretVariable"] = "TEST_SALESFORCE_SECRET",
                    ["scopes"] = new JsonArray("crm.read", "crm.write"),
                    ["authority"] = Idp.Authority.AbsoluteUri,
                    ["apiBaseUrl"] = Salesforce.BaseAddress.AbsoluteUri,
                },
            },
            ["tenants"] = new JsonObject { ["default"] = Provider, ["northwind"] = SalesforceProvider },
            ["trustedCertificates"] = new JsonArray(CertificateFile),
        };
        var path = System.IO.Path.Combine(folder, "connectors.json");
        File.WriteAllText(path, file.ToJsonString());
        return (path, new Dictionary<string, string>
        {
            ["TEST_SIGNIN_SECRET"] = SignInSecret, ["TEST_HUBSPOT_SECRET"] = CrmSecret, ["TEST_SALESFORCE_SECRET"] = SalesforceSecret,
        });
    }
}
