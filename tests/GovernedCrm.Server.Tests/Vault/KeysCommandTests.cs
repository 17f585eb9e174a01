using System.Text;
using GovernedCrm.Store;
using GovernedCrm.Store.Vault;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Server.Tests.Vault;

/// <summary><c>governed-crm keys rotate</c>, run as a real process over a data folder with token vault rows.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-keys-").FullName;

    [Fact]
    public async Task Rotate_KeyFile_Exit0NewCurrentKeyAndRowsReadable()
    {
        var oldKeyId = await SeedAsync(null, "alice", "bob");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--data", _folder]);

        code.Should().Be(0, stderr);
        using var keys = VaultKeyRing.LoadFile(VaultKeyRing.KeyFilePathIn(_folder));
        keys.KeyIds.Should().HaveCount(2).And.EndWith(oldKeyId);
        stdout.Trim().Should().Be($"rotated 2 rows to key {keys.CurrentKeyId}; 0 unreadable");
        var vault = await SqliteTokenVault.OpenAsync(_folder, null, TimeProvider.System, null, CancellationToken.None);
        (await vault.ListAsync(null, CancellationToken.None)).Should().HaveCount(2).And.OnlyContain(e => e.KeyId == keys.CurrentKeyId);
        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("cache-of-alice");
        Text(await vault.LoadAsync("bob", "hubspot", CancellationToken.None)).Should().Be("cache-of-bob");
    }

    [Fact]
    public async Task Rotate_EmptyDataFolder_Exit0CreatesTheKeyFile()
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--data", _folder]);

        code.Should().Be(0, stderr);
        stdout.Should().MatchRegex("^rotated 0 rows to key k[0-9a-f]+; 0 unreadable");
        File.Exists(VaultKeyRing.KeyFilePathIn(_folder)).Should().BeTrue();
    }

    [Fact]
    public async Task Rotate_KeysFromEnvironment_Exit2ExplainingTheOperatorRotation()
    {
        await SeedAsync($"k1:{KeyA}", "alice");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--data", _folder], Env($"k1:{KeyA}"));

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("GOVERNEDCRM_VAULT_KEY").And.Contain("--reencrypt-only").And.NotContain(KeyA);
        File.Exists(VaultKeyRing.KeyFilePathIn(_folder)).Should().BeFalse();
    }

    [Fact]
    public async Task RotateReencryptOnly_NewFirstKeyInEnvironment_Exit0RowsOnTheNewKey()
    {
        await SeedAsync($"k1:{KeyA}", "alice", "bob");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--reencrypt-only", "--data", _folder], Env($"k2:{KeyB},k1:{KeyA}"));

        code.Should().Be(0, stderr);
        stdout.Trim().Should().Be("rotated 2 rows to key k2; 0 unreadable");
        var vault = await SqliteTokenVault.OpenAsync(_folder, $"k2:{KeyB}", TimeProvider.System, null, CancellationToken.None);
        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("cache-of-alice", "only the new key is needed now");
    }

    [Fact]
    public async Task Rotate_MalformedEnvironmentKey_Exit2()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--reencrypt-only", "--data", _folder], Env("k1:short"));

        code.Should().Be(2);
        stderr.Should().Contain("GOVERNEDCRM_VAULT_KEY is malformed");
    }

    [Fact]
    public async Task Rotate_KeyFileLostWithRows_Exit2AndNoKeyCreated()
    {
        await SeedAsync(null, "alice");
        File.Delete(VaultKeyRing.KeyFilePathIn(_folder));

        var (code, _, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--data", _folder]);

        code.Should().Be(2);
        stderr.Should().Contain("no vault key file").And.Contain("restore");
        File.Exists(VaultKeyRing.KeyFilePathIn(_folder)).Should().BeFalse();
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    private static Dictionary<string, string?> Env(string value) => new() { [VaultKeyRing.EnvironmentVariable] = value };

    private static string? Text(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Encoding.UTF8.GetString(b.Span) : null;

    // Stores one hubspot cache per user and returns the key id they are encrypted with.
    private async Task<string> SeedAsync(string? environmentValue, params string[] users)
    {
        var vault = await SqliteTokenVault.OpenAsync(_folder, environmentValue, TimeProvider.System, null, CancellationToken.None);
        foreach (var user in users)
        {
            await vault.StoreAsync(user, "hubspot", Encoding.UTF8.GetBytes($"cache-of-{user}"), CancellationToken.None);
        }

        var keyId = vault.Keys!.CurrentKeyId;
        vault.Keys.Dispose();
        SqliteConnection.ClearAllPools();
        return keyId;
    }
}
