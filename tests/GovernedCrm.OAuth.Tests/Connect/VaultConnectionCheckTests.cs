using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Identity;
using GovernedCrm.OAuth.Connect;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.OAuth.Tests.Connect;

/// <summary>The connection check: embedded tenants need nothing; remote tenants need the caller's own readable connection.</summary>
public sealed class VaultConnectionCheckTests
{
    private static readonly Dictionary<string, string> Providers = new(StringComparer.Ordinal) { ["acme"] = "hubspot" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ATenantOnTheEmbeddedCrm_NeedsNoConnection()
    {
        var check = new VaultConnectionCheck(Providers, new DictionaryVault(), null, null);

        (await check.CheckAsync(Caller("nora", "northwind"), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task OnlyTheCallersOwnConnection_Counts()
    {
        var vault = new DictionaryVault();
        vault.Rows[("alice", "hubspot")] = [1, 2, 3];
        var check = new VaultConnectionCheck(Providers, vault, new ConnectRequestRegistry(_time), new Uri("https://gateway.test/base"));

        (await check.CheckAsync(Caller("alice", "acme"), CancellationToken.None)).Should().BeNull();
        var bob = await check.CheckAsync(Caller("bob", "acme"), CancellationToken.None);

        bob.Should().NotBeNull();
        bob!.Provider.Should().Be("hubspot");
        bob.ConnectUrl!.AbsoluteUri.Should().StartWith("https://gateway.test/base/connect?id=");
        bob.ConnectUrl.AbsoluteUri.Should().NotContain("bob");
        bob.ElicitationId.Should().NotBeNullOrEmpty();
        bob.Message.Should().Contain(bob.ConnectUrl.AbsoluteUri);
    }

    [Fact]
    public async Task WithoutAPublicUrl_TheAnswerNamesTheCommand()
    {
        var check = new VaultConnectionCheck(Providers, new DictionaryVault(), null, null);

        var requirement = await check.CheckAsync(Caller("bob", "acme"), CancellationToken.None);

        requirement!.ConnectUrl.Should().BeNull();
        requirement.Message.Should().Contain("governed-crm connect hubspot");
    }

    private static CallerIdentity Caller(string user, string tenant) => new(user, tenant, ["rep"], "test");

    private sealed class DictionaryVault : ITokenVault
    {
        public Dictionary<(string, string), byte[]> Rows { get; } = [];

        public Task StoreAsync(string user, string provider, ReadOnlyMemory<byte> tokenCache, CancellationToken cancellationToken)
        {
            Rows[(user, provider)] = tokenCache.ToArray();
            return Task.CompletedTask;
        }

        public Task<ReadOnlyMemory<byte>?> LoadAsync(string user, string provider, CancellationToken cancellationToken) =>
            Task.FromResult(Rows.TryGetValue((user, provider), out var bytes) ? new ReadOnlyMemory<byte>(bytes) : (ReadOnlyMemory<byte>?)null);

        public Task MarkNeedsReconnectAsync(string user, string provider, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<TokenVaultEntry>> ListAsync(string? user, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<TokenVaultEntry>>([]);

        public Task DeleteAsync(string user, string provider, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
