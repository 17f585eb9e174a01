namespace GovernedCrm.OAuth.Tests.Broker;

/// <summary>
/// MSAL treats a token expiring within five minutes as expired and refreshes it on every silent call. The broker
/// decides by its own margin instead (MSAL is only called, with force refresh, under the refresh lock), so a
/// two-minute token is used until it enters the broker's margin and is then refreshed exactly once.
/// </summary>
public sealed class ShortLivedTokenTests(ShortLivedIdentityProviderFixture fixture) : IClassFixture<ShortLivedIdentityProviderFixture>, IDisposable
{
    private readonly OAuthTestEnvironment _env = new(fixture);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task GetAsync_TokenInsideMsalsFiveMinuteWindowButOutsideTheMargin_IsUsedWithoutRefreshing()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);

        var tokens = new List<Crm.Remote.CrmAccessToken>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add(await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None));
        }

        tokens.Distinct().Should().ContainSingle();
        tokens[0].ExpiresAt.Should().BeCloseTo(_env.Time.GetUtcNow().AddMinutes(2), TimeSpan.FromSeconds(30));
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task GetAsync_TokenEntersTheMargin_RefreshesOnce()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var old = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        _env.Time.Advance(TimeSpan.FromSeconds(70));

        var fresh = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        var again = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);

        fresh.Should().NotBe(old);
        again.Should().Be(fresh);
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(1);
    }
}
