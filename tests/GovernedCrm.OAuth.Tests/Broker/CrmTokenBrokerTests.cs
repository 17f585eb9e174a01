using GovernedCrm.Crm.Remote;
using GovernedCrm.Governance.Credentials;

namespace GovernedCrm.OAuth.Tests.Broker;

public sealed class CrmTokenBrokerTests(IdentityProviderFixture fixture) : IClassFixture<IdentityProviderFixture>, IDisposable
{
    private readonly OAuthTestEnvironment _env = new(fixture);

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task GetAsync_TokenInsideTheRefreshMargin_RefreshesOnceAndStoresTheRotatedCache(string provider)
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, provider);
        var old = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        _env.AdvanceToRefreshWindow(old);

        var fresh = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        var again = await (await _env.BrokerAsync()).GetAsync(_env.Alice, provider, null, CancellationToken.None);

        fresh.Should().NotBe(old);
        again.Should().Be(fresh, "the refreshed cache was stored");
        fresh.ExpiresAt.Should().BeAfter(_env.Time.GetUtcNow().AddMinutes(59));
        (await _env.IntrospectAsync(fresh.Reveal(), provider)).Should().Be(new Testing.Identity.TokenIntrospection(true, _env.Alice, provider));
        var stats = await _env.StatsAsync(_env.Alice);
        stats.GrantCount("refresh_token").Should().Be(1);
        stats.RefreshFailures.Should().Be(0);
    }

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task GetAsync_RejectedToken_ReturnsAnotherOneAndTheSecondRejectionOfTheOldOneDoesNotRefreshAgain(string provider)
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, provider);
        var old = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);

        var fresh = await broker.GetAsync(_env.Alice, provider, old, CancellationToken.None);
        var late = await broker.GetAsync(_env.Alice, provider, old, CancellationToken.None);

        fresh.Should().NotBe(old);
        late.Should().Be(fresh);
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(1);
    }

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task GetAsync_TwentyConcurrentCallsAtExpiry_RefreshOnceWithoutInvalidGrant(string provider)
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, provider);
        var old = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        _env.AdvanceToRefreshWindow(old);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None))));

        tokens.Distinct().Should().ContainSingle().Which.Should().NotBe(old);
        var stats = await _env.StatsAsync(_env.Alice);
        stats.GrantCount("refresh_token").Should().Be(1);
        stats.RefreshFailures.Should().Be(0);
        stats.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task GetAsync_TwoBrokersSharingVaultFileAndLockFolder_RefreshOnceBetweenThem(string provider)
    {
        // Two brokers with their own vault connections and in-process locks, as two server processes would have.
        var first = await _env.BrokerAsync(await _env.OpenVaultAsync());
        var second = await _env.BrokerAsync(await _env.OpenVaultAsync());
        await _env.ConnectAsync(first, _env.Alice, provider);
        var old = await first.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        _env.AdvanceToRefreshWindow(old);

        var calls = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? first : second).GetAsync(_env.Alice, provider, null, CancellationToken.None)));
        var tokens = await Task.WhenAll(calls);

        tokens.Distinct().Should().ContainSingle().Which.Should().NotBe(old);
        var stats = await _env.StatsAsync(_env.Alice);
        stats.GrantCount("refresh_token").Should().Be(1);
        stats.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task GetAsync_GrantRevokedAtTheProvider_MarksNeedsReconnectAndThrowsNotConnected(string provider)
    {
        var vault = await _env.OpenVaultAsync();
        var broker = await _env.BrokerAsync(vault);
        await _env.ConnectAsync(broker, _env.Alice, provider);
        var old = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        (await _env.Idp.RevokeUserAsync(_env.Alice)).Should().Be(1);
        _env.AdvanceToRefreshWindow(old);

        var refresh = async () => await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);

        (await refresh.Should().ThrowAsync<CrmNotConnectedException>()).Which.Provider.Should().Be(provider);
        (await vault.ListAsync(_env.Alice, CancellationToken.None)).Should().ContainSingle()
            .Which.Status.Should().Be(ConnectionStatus.NeedsReconnect);
        await refresh.Should().ThrowAsync<CrmNotConnectedException>("a connection needing reconnect reads as not connected");
        (await _env.StatsAsync(_env.Alice)).RefreshFailures.Should().Be(1, "the broker does not retry a revoked grant");
    }

    [Fact]
    public async Task ConnectAsync_AfterRevocation_ReconnectsTheUser()
    {
        var vault = await _env.OpenVaultAsync();
        var broker = await _env.BrokerAsync(vault);
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var old = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        await _env.Idp.RevokeUserAsync(_env.Alice);
        await FluentActions.Awaiting(async () => await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, old, CancellationToken.None))
            .Should().ThrowAsync<CrmNotConnectedException>();

        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        var token = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);

        (await _env.IntrospectAsync(token.Reveal(), OAuthTestEnvironment.Oidc)).Active.Should().BeTrue();
        (await vault.ListAsync(_env.Alice, CancellationToken.None)).Single().Status.Should().Be(ConnectionStatus.Connected);
    }

    [Fact]
    public async Task GetAsync_UserNeverConnected_ThrowsNotConnectedWithoutCallingTheProvider()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);

        var get = async () => await broker.GetAsync(_env.Bob, OAuthTestEnvironment.Oidc, null, CancellationToken.None);

        (await get.Should().ThrowAsync<CrmNotConnectedException>()).Which.Provider.Should().Be(OAuthTestEnvironment.Oidc);
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task GetAsync_UnknownProvider_ThrowsArgumentException()
    {
        var broker = await _env.BrokerAsync();

        var get = async () => await broker.GetAsync(_env.Alice, "nope", null, CancellationToken.None);

        await get.Should().ThrowAsync<ArgumentException>().WithMessage("*'nope'*");
    }

    [Fact]
    public async Task GetAsync_TwoUsers_EachGetsOnlyTheirOwnToken()
    {
        var broker = await _env.BrokerAsync();
        await _env.ConnectAsync(broker, _env.Alice, OAuthTestEnvironment.Oidc);
        await _env.ConnectAsync(broker, _env.Bob, OAuthTestEnvironment.Oidc);

        var alice = await broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        var bob = await broker.GetAsync(_env.Bob, OAuthTestEnvironment.Oidc, null, CancellationToken.None);
        _env.AdvanceToRefreshWindow(alice);
        var refreshed = await Task.WhenAll(
            broker.GetAsync(_env.Alice, OAuthTestEnvironment.Oidc, null, CancellationToken.None).AsTask(),
            broker.GetAsync(_env.Bob, OAuthTestEnvironment.Oidc, null, CancellationToken.None).AsTask());

        alice.Should().NotBe(bob);
        (await _env.IntrospectAsync(alice.Reveal(), OAuthTestEnvironment.Oidc)).Subject.Should().Be(_env.Alice);
        (await _env.IntrospectAsync(bob.Reveal(), OAuthTestEnvironment.Oidc)).Subject.Should().Be(_env.Bob);
        (await _env.IntrospectAsync(refreshed[0].Reveal(), OAuthTestEnvironment.Oidc)).Subject.Should().Be(_env.Alice);
        (await _env.IntrospectAsync(refreshed[1].Reveal(), OAuthTestEnvironment.Oidc)).Subject.Should().Be(_env.Bob);
        (await _env.StatsAsync(_env.Alice)).GrantCount("refresh_token").Should().Be(1);
        (await _env.StatsAsync(_env.Bob)).GrantCount("refresh_token").Should().Be(1);
    }
}
