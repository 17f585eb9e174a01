using GovernedCrm.Hosting;
using GovernedCrm.Hosting.Connectors;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>The connectors file: every problem reported at once, secrets only from the environment and never echoed.</summary>
public sealed class ConnectorsFileLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-connectors-").FullName;

    [Fact]
    public void AValidFile_LoadsProvidersTenantsAndSecrets()
    {
        var path = Write("""
            {
              // comments are allowed
              "publicUrl": "https://gateway.example.com/",
              "signIn": { "authority": "https://login.example.com", "clientId": "gcrm", "clientSecretVariable": "SIGNIN_SECRET" },
              "providers": {
                "hubspot": { "type": "hubspot", "clientId": "hs", "clientSecretVariable": "HS_SECRET", "scopes": ["crm.objects.contacts.read"] },
                "salesforce": { "type": "salesforce", "clientId": "sf", "clientSecretVariable": "SF_SECRET", "scopes": ["api", "refresh_token"], "apiVersion": "v61.0" }
              },
              "tenants": { "acme": "hubspot", "northwind": "salesforce" }
            }
            """);

        var configuration = ConnectorsFileLoader.Load(path, Env(("SIGNIN_SECRET", "s1"), ("HS_SECRET", "s2"), ("SF_SECRET", "s3")));

        configuration.Tenants.Should().BeEquivalentTo(new Dictionary<string, string> { ["acme"] = "hubspot", ["northwind"] = "salesforce" });
        configuration.Providers["hubspot"].ClientSecret.Should().Be("s2");
        configuration.Providers["salesforce"].Settings.ApiVersion.Should().Be("v61.0");
        configuration.SignIn!.ClientSecret.Should().Be("s1");
        configuration.PublicUrl.Should().Be(new Uri("https://gateway.example.com/"));
        configuration.Providers["hubspot"].ToString().Should().NotContain("s2");
        configuration.SignIn.ToString().Should().NotContain("s1");
    }

    [Fact]
    public void TheSampleFile_Loads()
    {
        var configuration = ConnectorsFileLoader.Load(
            GovernedCrm.Server.Tests.Packaging.RepositoryRoot.File("samples/connectors/connectors.example.json"),
            Env(("GOVERNEDCRM_SIGNIN_SECRET", "a"), ("HUBSPOT_CLIENT_SECRET", "b"), ("SALESFORCE_CLIENT_SECRET", "c")));

        configuration.Tenants.Should().BeEquivalentTo(new Dictionary<string, string> { ["acme"] = "hubspot", ["northwind"] = "salesforce" });
        configuration.SignIn.Should().NotBeNull();
    }

    [Fact]
    public void EveryProblem_IsReportedTogether_WithoutEchoingASecret()
    {
        var path = Write("""
            {
              "providers": {
                "hubspot": { "type": "hubspot", "clientSecretVariable": "HS_SECRET", "scopes": [], "tokenUrl": "http://api.example.com/token" },
                "crm2": { "type": "dynamics", "clientId": "x", "clientSecretVariable": "UNSET", "scopes": ["a"] },
                "sf": { "type": "salesforce", "clientId": "sf", "clientSecretVariable": "SF_SECRET", "scopes": ["api"], "authority": "http://login.example.com", "apiBaseUrl": "http://crm.example.com" }
              },
              "tenants": { "acme": "pipedrive" }
            }
            """);

        var act = () => ConnectorsFileLoader.Load(path, Env(("HS_SECRET", "hs-secret-value"), ("SF_SECRET", "sf-secret-value")));

        var message = act.Should().Throw<StartupException>().Which.Message;
        message.Should().Contain("providers.hubspot.clientId: required")
            .And.Contain("providers.hubspot.scopes")
            .And.Contain("providers.hubspot.tokenUrl")
            .And.Contain("providers.crm2.type: 'dynamics' is not a provider type")
            .And.Contain("the environment variable UNSET is not set")
            .And.Contain("providers.sf.authority")
            .And.Contain("providers.sf.apiBaseUrl")
            .And.Contain("tenants.acme: provider 'pipedrive' is not declared");
        message.Should().NotContain("hs-secret-value").And.NotContain("sf-secret-value");
    }

    [Fact]
    public void UnknownKeysAndBadJson_AreRefused()
    {
        var unknown = Write("""{ "providers": {}, "tenant": { "acme": "hubspot" } }""");
        var broken = Write("""{ "providers": """);

        ((Action)(() => ConnectorsFileLoader.Load(unknown, Env()))).Should().Throw<StartupException>().WithMessage("*tenant*");
        ((Action)(() => ConnectorsFileLoader.Load(broken, Env()))).Should().Throw<StartupException>().WithMessage("*not valid*");
        ((Action)(() => ConnectorsFileLoader.Load(Path.Combine(_folder, "missing.json"), Env()))).Should().Throw<StartupException>().WithMessage("cannot read*");
    }

    [Fact]
    public void ASecretInTheFile_IsNotAnOption()
    {
        var path = Write("""{ "providers": { "hubspot": { "type": "hubspot", "clientId": "hs", "clientSecret": "inline", "scopes": ["a"] } } }""");

        var message = ((Action)(() => ConnectorsFileLoader.Load(path, Env()))).Should().Throw<StartupException>().Which.Message;

        message.Should().Contain("clientSecret").And.NotContain("inline");
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private string Write(string json)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
