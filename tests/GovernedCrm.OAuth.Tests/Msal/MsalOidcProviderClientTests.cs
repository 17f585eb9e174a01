using System.Web;

namespace GovernedCrm.OAuth.Tests.Msal;

public sealed class MsalOidcProviderClientTests(IdentityProviderFixture fixture) : IClassFixture<IdentityProviderFixture>, IDisposable
{
    private readonly OAuthTestEnvironment _env = new(fixture);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task CreateAuthorizationRequest_Always_CarriesStateRedirectAndS256Challenge()
    {
        var request = await _env.MsalClient().CreateAuthorizationRequestAsync("state-123", OAuthTestEnvironment.RedirectUri, CancellationToken.None);

        var query = HttpUtility.ParseQueryString(request.Url.Query);
        request.Url.GetLeftPart(UriPartial.Path).Should().Be(_env.Idp.AuthorizationEndpoint.AbsoluteUri);
        query.GetValues("state").Should().Equal("state-123");
        query["redirect_uri"].Should().Be(OAuthTestEnvironment.RedirectUri.AbsoluteUri);
        query["code_challenge_method"].Should().Be("S256");
        query["code_challenge"].Should().NotBeNullOrEmpty().And.NotBe(request.CodeVerifier);
        request.Url.AbsoluteUri.Should().NotContain(request.CodeVerifier);
        request.ToString().Should().NotContain(request.CodeVerifier);
    }

    [Fact]
    public async Task ConnectAsync_CodeWithPkce_StoresCacheAndServesTheTokenSilently()
    {
        var broker = await _env.BrokerAsync();

        var subject = await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var first = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        var second = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);

        subject.Should().Be(_env.Alice);
        second.Should().Be(first);
        first.ExpiresAt.Should().BeCloseTo(_env.Time.GetUtcNow().AddHours(1), TimeSpan.FromSeconds(30));
        var introspection = await _env.IntrospectAsync(first.Reveal(), OAuthTestEnvironment.Oidc);
        introspection.Should().Be(new Testing.Identity.TokenIntrospection(true, _env.Alice, OAuthTestEnvironment.Oidc));
        var stats = await _env.StatsAsync(_env.Alice);
        stats.GrantCount("authorization_code").Should().Be(1);
        stats.GrantCount("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task AcquireAccessToken_ForceRefresh_RotatesAndReturnsNewCache()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var vault = await _env.OpenVaultAsync();
        var cache = (await vault.LoadAsync(_env.Alice, OAuthTestEnvironment.Oidc, CancellationToken.None))!.Value;
        var client = _env.MsalClient();

        var result = await client.AcquireAccessTokenAsync(cache, forceRefresh: true, CancellationToken.None);

        result.UpdatedTokenCache.Should().NotBeNull();
        result.AccessToken.Should().NotBe(client.ReadCachedAccessToken(cache));
        client.ReadCachedAccessToken(result.UpdatedTokenCache!.Value).Should().Be(result.AccessToken);
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(1);
    }

    [Fact]
    public async Task AcquireAccessToken_RotatedRefreshTokenReused_ThrowsGrantRevoked()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var vault = await _env.OpenVaultAsync();
        var stale = (await vault.LoadAsync(_env.Alice, OAuthTestEnvironment.Oidc, CancellationToken.None))!.Value;
        var client = _env.MsalClient();
        await client.AcquireAccessTokenAsync(stale, forceRefresh: true, CancellationToken.None);

        var reuse = () => client.AcquireAccessTokenAsync(stale, forceRefresh: true, CancellationToken.None);

        await reuse.Should().ThrowAsync<OAuthGrantRevokedException>();
        (await _env.StatsAsync(_env.Alice)).Errors.Should().ContainSingle(e => e.Error == "invalid_grant");
    }
}
