using GovernedCrm.Hosting;
using GovernedCrm.Server.Tests.Http;
using Microsoft.IdentityModel.Tokens;

namespace GovernedCrm.Server.Tests.Hosting;

public sealed class JwtSettingsTests : IDisposable
{
    private const string Urls = "http://127.0.0.1:5180";
    private readonly TestIssuer _issuer = new();

    [Fact]
    public void Resolve_NothingConfigured_Null()
    {
        JwtSettings.Resolve(JwtOptions.None, Urls, Environment()).Should().BeNull();
    }

    [Fact]
    public void Resolve_IssuerAndKeys_DefaultsForAudienceAndClaims()
    {
        var settings = JwtSettings.Resolve(new JwtOptions(TestIssuer.Issuer, null, _issuer.JwksFile), "http://localhost:5190/;http://127.0.0.1:5191", Environment())!;

        settings.Issuer.Should().Be(TestIssuer.Issuer);
        settings.Audience.Should().Be("http://localhost:5190/mcp", "the first --urls value + /mcp");
        settings.KeysFile.Should().Be(_issuer.JwksFile);
        settings.SigningKeys!.Select(k => (k.GetType(), k.KeyId)).Should().Equal((typeof(RsaSecurityKey), TestIssuer.RsaKeyId), (typeof(ECDsaSecurityKey), TestIssuer.EcKeyId));
        settings.Claims.UserClaim.Should().Be("sub");
        settings.Claims.RolesClaim.Should().Be("roles");
        settings.Claims.TenantClaim.Should().Be("tenant");
    }

    [Fact]
    public void Resolve_EnvironmentOnly_Used()
    {
        var settings = JwtSettings.Resolve(JwtOptions.None, Urls, Environment(
            ("GOVERNEDCRM_JWT_ISSUER", " https://env.test/ "),
            ("GOVERNEDCRM_JWT_AUDIENCE", "api://governed-crm"),
            ("GOVERNEDCRM_JWT_KEYS", _issuer.JwksFile),
            ("GOVERNEDCRM_JWT_ROLES_CLAIM", "groups"),
            ("GOVERNEDCRM_JWT_TENANT_CLAIM", "tid")))!;

        settings.Issuer.Should().Be("https://env.test/");
        settings.Audience.Should().Be("api://governed-crm");
        settings.Claims.RolesClaim.Should().Be("groups");
        settings.Claims.TenantClaim.Should().Be("tid");
        settings.MetadataAddress.Should().Be("https://env.test/.well-known/openid-configuration");
    }

    [Fact]
    public void Resolve_CommandLineAndEnvironment_CommandLineWins()
    {
        var settings = JwtSettings.Resolve(new JwtOptions("https://cli.test/realm", "https://cli.test/mcp", null), Urls, Environment(
            ("GOVERNEDCRM_JWT_ISSUER", "https://env.test/realm"),
            ("GOVERNEDCRM_JWT_AUDIENCE", "https://env.test/mcp")))!;

        settings.Issuer.Should().Be("https://cli.test/realm");
        settings.Audience.Should().Be("https://cli.test/mcp");
        settings.SigningKeys.Should().BeNull("without a keys file the keys come from discovery");
        settings.MetadataAddress.Should().Be("https://cli.test/realm/.well-known/openid-configuration");
        settings.RequireHttpsMetadata.Should().BeTrue();
    }

    [Fact]
    public void Resolve_BlankEnvironmentValues_Unset()
    {
        JwtSettings.Resolve(JwtOptions.None, Urls, Environment(("GOVERNEDCRM_JWT_ISSUER", "  "), ("GOVERNEDCRM_JWT_KEYS", ""))).Should().BeNull();
    }

    [Fact]
    public void Resolve_LoopbackHttpIssuerWithDiscovery_AllowedForDevelopment()
    {
        var settings = JwtSettings.Resolve(new JwtOptions("http://localhost:8080/realms/dev", null, null), Urls, Environment())!;

        settings.RequireHttpsMetadata.Should().BeFalse();
    }

    [Theory]
    [InlineData("", "--jwt-issuer is empty")]
    [InlineData("/realm", "is not an absolute http(s) URL")]
    [InlineData("https://issuer.test/realm#frag", "is not an absolute http(s) URL")]
    [InlineData("http://issuer.test/realm", "is plain HTTP")]
    public void Resolve_BadIssuer_StartupException(string issuer, string message)
    {
        var act = () => JwtSettings.Resolve(new JwtOptions(issuer, null, null), Urls, Environment());

        act.Should().Throw<StartupException>().Which.Message.Should().Contain(message).And.NotContain("\n");
    }

    [Theory]
    [InlineData("/mcp")]
    [InlineData("mcp")]
    public void Resolve_RelativeAudience_StartupException(string audience)
    {
        var act = () => JwtSettings.Resolve(new JwtOptions(TestIssuer.Issuer, audience, _issuer.JwksFile), Urls, Environment());

        act.Should().Throw<StartupException>().Which.Message.Should().StartWith($"--jwt-audience '{audience}' is not an absolute URL");
    }

    [Fact]
    public void Resolve_KeysWithoutIssuer_StartupException()
    {
        var act = () => JwtSettings.Resolve(JwtOptions.None, Urls, Environment(("GOVERNEDCRM_JWT_KEYS", _issuer.JwksFile)));

        act.Should().Throw<StartupException>().Which.Message.Should().StartWith("GOVERNEDCRM_JWT_KEYS needs an issuer");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5180", true)]
    [InlineData("http://127.1.2.3:5180", true)]
    [InlineData("http://localhost:5180", true)]
    [InlineData("http://[::1]:5180", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://0.0.0.0:5180", false)]
    [InlineData("http://[::]:5180", false)]
    [InlineData("http://*:5180", false)]
    [InlineData("http://+:5180", false)]
    [InlineData("http://crm.example.test:5180", false)]
    [InlineData("http://localhost.example.test:5180", false)]
    [InlineData("http://192.168.1.10:5180", false)]
    public void IsLoopback_Url_OnlyLoopbackAddressesAndLocalhost(string url, bool loopback)
    {
        ListenUrls.IsLoopback(url).Should().Be(loopback);
    }

    public void Dispose() => _issuer.Dispose();

    private static Func<string, string?> Environment(params (string Name, string Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
