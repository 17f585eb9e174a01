using System.Web;
using GovernedCrm.OAuth.OAuth2;

namespace GovernedCrm.OAuth.Tests.OAuth2;

public sealed class OAuth2PkceProviderClientTests(IdentityProviderFixture fixture) : IClassFixture<IdentityProviderFixture>, IDisposable
{
    private readonly OAuthTestEnvironment _env = new(fixture);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task CreateAuthorizationRequest_Always_CarriesStateRedirectAndS256Challenge()
    {
        var request = await _env.OAuth2Client().CreateAuthorizationRequestAsync("state-123", OAuthTestEnvironment.RedirectUri, CancellationToken.None);

        var query = HttpUtility.ParseQueryString(request.Url.Query);
        request.Url.GetLeftPart(UriPartial.Path).Should().Be(_env.Idp.AuthorizationEndpoint.AbsoluteUri);
        query["state"].Should().Be("state-123");
        query["client_id"].Should().Be(OAuthTestEnvironment.OAuth2);
        query["redirect_uri"].Should().Be(OAuthTestEnvironment.RedirectUri.AbsoluteUri);
        query["code_challenge_method"].Should().Be("S256");
        query["code_challenge"].Should().Be(Pkce.Challenge(request.CodeVerifier));
        request.Url.AbsoluteUri.Should().NotContain(request.CodeVerifier);
    }

    [Fact]
    public async Task ConnectAsync_CodeWithPkce_StoresCacheAndServesTheTokenSilently()
    {
        var broker = await _env.BrokerAsync();

        var subject = await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.OAuth2);
        var first = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.OAuth2, null, CancellationToken.None);
        var second = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.OAuth2, null, CancellationToken.None);

        subject.Should().BeNull("a plain OAuth 2.0 provider has no ID token");
        second.Should().Be(first);
        first.InstanceUrl.Should().Be(new Uri("https://api.crm.test/"));
        first.ExpiresAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(_env.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds()));
        (await _env.IntrospectAsync(first.Reveal(), OAuthTestEnvironment.OAuth2))
            .Should().Be(new Testing.Identity.TokenIntrospection(true, _env.Alice, OAuthTestEnvironment.OAuth2));
        var stats = await _env.StatsAsync(_env.Alice);
        stats.GrantCount("authorization_code").Should().Be(1);
        stats.GrantCount("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task AcquireAccessToken_NotExpiredAndNotForced_ReturnsCachedWithoutCallingTheProvider()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.OAuth2);
        var cache = (await (await _env.OpenVaultAsync()).LoadAsync(_env.Alice, OAuthTestEnvironment.OAuth2, CancellationToken.None))!.Value;
        var client = _env.OAuth2Client();

        var result = await client.AcquireAccessTokenAsync(cache, forceRefresh: false, CancellationToken.None);

        result.UpdatedTokenCache.Should().BeNull();
        result.AccessToken.Should().Be(client.ReadCachedAccessToken(cache));
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task AcquireAccessToken_RotatedRefreshTokenReused_ThrowsGrantRevokedAndProviderRevokesTheGrant()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.OAuth2);
        var stale = (await (await _env.OpenVaultAsync()).LoadAsync(_env.Alice, OAuthTestEnvironment.OAuth2, CancellationToken.None))!.Value;
        var client = _env.OAuth2Client();
        var fresh = await client.AcquireAccessTokenAsync(stale, forceRefresh: true, CancellationToken.None);

        var reuse = () => client.AcquireAccessTokenAsync(stale, forceRefresh: true, CancellationToken.None);

        (await reuse.Should().ThrowAsync<OAuthGrantRevokedException>()).Which.Message.Should().Contain("invalid_grant");
        (await _env.IntrospectAsync(fresh.AccessToken.Reveal(), OAuthTestEnvironment.OAuth2)).Active.Should().BeFalse("reuse detection revokes the whole grant");
    }

    [Fact]
    public void Constructor_OidcOptions_ThrowsConfigurationError()
    {
        var create = () => new OAuth2PkceProviderClient(
            new OAuthProviderOptions { Name = "x", Kind = OAuthProviderKind.Oidc, Authority = new Uri("https://idp.test"), ClientId = "c", ClientSecret = "s" },
            new HttpClient(),
            TimeProvider.System);

        create.Should().Throw<OAuthConfigurationException>().WithMessage("*'x'*Oidc*");
    }
}
