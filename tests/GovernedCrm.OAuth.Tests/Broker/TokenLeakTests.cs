using System.Text;
using System.Text.Json.Nodes;
using GovernedCrm.Crm.Remote;
using GovernedCrm.OAuth.Msal;
using GovernedCrm.OAuth.OAuth2;

namespace GovernedCrm.OAuth.Tests.Broker;

/// <summary>
/// Drives a connection through its whole life (connect, silent use, refresh on expiry, refresh on rejection, revocation)
/// with every log captured at Trace (MSAL's verbose log included), then looks for every token value the provider
/// issued in the logs, exception texts, ToString results and the raw bytes of every file the vault and locks left.
/// </summary>
public sealed class TokenLeakTests(IdentityProviderFixture fixture) : IClassFixture<IdentityProviderFixture>, IDisposable
{
    private readonly OAuthTestEnvironment _env = new(fixture);
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData(OAuthTestEnvironment.Oidc)]
    [InlineData(OAuthTestEnvironment.OAuth2)]
    public async Task WholeLifecycle_Always_NoTokenReachesLogsExceptionsToStringOrDisk(string provider)
    {
        var vault = await _env.OpenVaultAsync();
        var broker = await _env.BrokerAsync(vault);
        var texts = new List<string>();

        await _env.ConnectAsync(broker, _env.Alice, provider);
        await CollectSecretsAsync(vault, provider);
        var first = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        _env.AdvanceToRefreshWindow(first);
        var second = await broker.GetAsync(_env.Alice, provider, null, CancellationToken.None);
        await CollectSecretsAsync(vault, provider);
        var third = await broker.GetAsync(_env.Alice, provider, second, CancellationToken.None);
        await CollectSecretsAsync(vault, provider);
        var cache = (await vault.LoadAsync(_env.Alice, provider, CancellationToken.None))!.Value;
        await _env.Idp.RevokeUserAsync(_env.Alice);
        var revoked = await FluentActions.Awaiting(async () => await broker.GetAsync(_env.Alice, provider, third, CancellationToken.None))
            .Should().ThrowAsync<CrmNotConnectedException>();
        var reuse = await FluentActions.Awaiting(() => Client(provider).AcquireAccessTokenAsync(cache, forceRefresh: true, CancellationToken.None))
            .Should().ThrowAsync<OAuthGrantRevokedException>();

        foreach (var token in new[] { first, second, third })
        {
            _secrets.Add(token.Reveal());
            texts.Add(token.ToString());
        }

        texts.Add(revoked.Which.ToString());
        texts.Add(reuse.Which.ToString());
        texts.Add(new OAuthTokenResult(third, cache).ToString());
        texts.Add(new OAuthConnection(cache, "x").ToString());
        _secrets.Add(_env.OidcSecret);
        _secrets.Add(_env.OAuth2Secret);
        _secrets.Should().HaveCountGreaterThanOrEqualTo(8, "access and refresh tokens of three generations were collected");
        if (provider == OAuthTestEnvironment.Oidc)
        {
            _env.Logs.Text.Should().Contain("MSAL:", "MSAL's verbose log is captured, so the check below means something");
        }

        var logs = _env.Logs.Text;
        var disk = _env.RawFiles();
        disk.Should().NotBeEmpty();
        foreach (var secret in _secrets)
        {
            logs.Should().NotContain(secret);
            texts.Should().NotContain(t => t.Contains(secret, StringComparison.Ordinal));
            disk.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)).Should().Be(-1, "no token is on disk in plaintext");
        }
    }

    private IOAuthProviderClient Client(string provider) => provider == OAuthTestEnvironment.Oidc ? _env.MsalClient() : _env.OAuth2Client();

    // The token values inside the decrypted cache (what the provider issued): access, refresh and ID tokens.
    private async Task CollectSecretsAsync(Store.Vault.SqliteTokenVault vault, string provider)
    {
        var bytes = (await vault.LoadAsync(_env.Alice, provider, CancellationToken.None))!.Value;
        if (provider == OAuthTestEnvironment.OAuth2)
        {
            var cache = OAuth2TokenCache.TryDeserialize(bytes.Span)!;
            _secrets.Add(cache.AccessToken);
            _secrets.Add(cache.RefreshToken!);
            return;
        }

        var envelope = MsalTokenCache.TryDeserialize(bytes.Span)!;
        _secrets.Add(envelope.AccessToken);
        var msal = JsonNode.Parse(envelope.Msal)!.AsObject();
        foreach (var section in new[] { "AccessToken", "RefreshToken", "IdToken" })
        {
            var entries = msal[section]!.AsObject();
            entries.Should().NotBeEmpty($"MSAL's cache holds a {section}");
            foreach (var entry in entries)
            {
                _secrets.Add(entry.Value!["secret"]!.GetValue<string>());
            }
        }
    }
}
