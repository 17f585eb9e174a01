using GovernedCrm.Crm.Providers;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Hosting;
using GovernedCrm.Hosting.Connectors;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>The provider registry is what the connectors file accepts, and every provider in it has its defaults.</summary>
public sealed class CrmProviderRegistryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-registry-").FullName;

    public static TheoryData<string> RegisteredTypes => [.. CrmProviderRegistry.BuiltIn().Types];

    [Fact]
    public void TheRegistry_ListsExactlyTheProviderTypesTheConnectorsFileAccepts()
    {
        var registry = CrmProviderRegistry.BuiltIn();

        registry.Types.Should().Equal("hubspot", "salesforce");
        foreach (var type in registry.Types)
        {
            var configuration = ConnectorsFileLoader.Load(Write(type), Env);
            configuration.Providers["p"].Kind.Type.Should().Be(type);
        }

        var message = ((Action)(() => ConnectorsFileLoader.Load(Write("dynamics"), Env))).Should().Throw<StartupException>().Which.Message;
        message.Should().Contain($"providers.p.type: 'dynamics' is not a provider type (valid: {string.Join(", ", registry.Types)})");
    }

    [Fact]
    public void ATypeMissingFromTheRegistry_IsRefusedByTheConnectorsFile()
    {
        CrmProviderRegistry.BuiltIn().TryGet("hubspot", out var hubspot).Should().BeTrue();
        var onlyHubSpot = new CrmProviderRegistry().Add(hubspot!);

        ConnectorsFileLoader.Load(Write("hubspot"), Env, onlyHubSpot).Providers.Should().ContainKey("p");
        ((Action)(() => ConnectorsFileLoader.Load(Write("salesforce"), Env, onlyHubSpot))).Should().Throw<StartupException>()
            .Which.Message.Should().Contain("'salesforce' is not a provider type (valid: hubspot)");
        ((Action)(() => onlyHubSpot.Add(hubspot!))).Should().Throw<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(RegisteredTypes))]
    public void EachProvider_HasItsDefaults(string type)
    {
        CrmProviderRegistry.BuiltIn().TryGet(type, out var provider).Should().BeTrue();
        var settings = Minimal(type);
        var errors = new List<string>();

        provider!.Check("providers.p", settings, errors);
        var client = provider.OAuthClient(settings);
        using var http = new HttpClient();
        var connector = provider.CreateConnector("p", settings, http);

        errors.Should().BeEmpty("a provider with only a client id, a secret variable and scopes uses its defaults");
        provider.Defaults.Should().NotBeNull();
        var endpoints = client.Protocol == CrmOAuthProtocol.OpenIdConnect
            ? new[] { (client.Authority, provider.Defaults.Authority) }
            : [(client.AuthorizeUrl, provider.Defaults.AuthorizeUrl), (client.TokenUrl, provider.Defaults.TokenUrl)];
        foreach (var (used, byDefault) in endpoints)
        {
            used.Should().NotBeNull().And.Be(byDefault);
            used!.Scheme.Should().Be(Uri.UriSchemeHttps);
        }

        connector.Should().NotBeNull();
    }

    [Fact]
    public void TheDefaults_AreTheProvidersPublicEndpoints_AndTheFileOverridesThem()
    {
        var registry = CrmProviderRegistry.BuiltIn();
        registry.TryGet("hubspot", out var hubspot).Should().BeTrue();
        registry.TryGet("salesforce", out var salesforce).Should().BeTrue();
        using var http = new HttpClient();

        var hubspotClient = hubspot!.OAuthClient(Minimal("hubspot"));
        hubspotClient.Protocol.Should().Be(CrmOAuthProtocol.OAuth2Pkce);
        hubspotClient.AuthorizeUrl!.AbsoluteUri.Should().Be("https://app.hubspot.com/oauth/authorize");
        hubspotClient.TokenUrl!.AbsoluteUri.Should().Be("https://api.hubapi.com/oauth/v1/token");
        hubspot.Defaults.ApiBaseUrl!.AbsoluteUri.Should().Be("https://api.hubapi.com/");
        hubspot.CreateConnector("hs", Minimal("hubspot"), http).RecordIdFormat.Should().BeSameAs(CrmRecordIdFormat.Numeric);

        var salesforceClient = salesforce!.OAuthClient(Minimal("salesforce"));
        salesforceClient.Protocol.Should().Be(CrmOAuthProtocol.OpenIdConnect);
        salesforceClient.Authority!.AbsoluteUri.Should().Be("https://login.salesforce.com/");
        salesforce.Defaults.ApiVersion.Should().Be("v60.0");
        salesforce.CreateConnector("sf", Minimal("salesforce"), http).RecordIdFormat.Should().BeSameAs(CrmRecordIdFormat.Salesforce);

        var own = Minimal("hubspot") with { AuthorizeUrl = new Uri("https://idp.example.com/authorize"), TokenUrl = new Uri("https://idp.example.com/token") };
        hubspot.OAuthClient(own).TokenUrl.Should().Be(new Uri("https://idp.example.com/token"));
        salesforce.OAuthClient(Minimal("salesforce") with { Authority = new Uri("https://test.salesforce.com") })
            .Authority!.AbsoluteUri.Should().Be("https://test.salesforce.com/");
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private static string? Env(string name) => name == "SECRET" ? "s" : null;

    private static CrmProviderSettings Minimal(string type) =>
        new() { Type = type, ClientId = "c", ClientSecretVariable = "SECRET", Scopes = ["a"] };

    private string Write(string type)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            { "providers": { "p": { "type": "{{type}}", "clientId": "c", "clientSecretVariable": "SECRET", "scopes": ["a"] } }, "tenants": { "acme": "p" } }
            """);
        return path;
    }
}
