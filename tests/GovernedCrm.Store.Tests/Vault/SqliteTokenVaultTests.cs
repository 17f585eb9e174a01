using System.Text;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Store.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Store.Tests.Vault;

public sealed class SqliteTokenVaultTests : IDisposable
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly VaultFolder _temp = new();
    private readonly VaultKeyRing _keys = VaultKeyRing.Generate("k1");

    [Fact]
    public async Task StoreAsync_ThenLoadAsync_RoundTripsAndListsConnected()
    {
        var vault = await _temp.OpenAsync(_keys);

        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);

        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot");
        var entry = (await vault.ListAsync("alice", CancellationToken.None)).Should().ContainSingle().Subject;
        entry.Should().BeEquivalentTo(new { User = "alice", Provider = "hubspot", Status = ConnectionStatus.Connected, KeyId = "k1" });
    }

    [Fact]
    public async Task StoreAsync_Again_ReplacesTheCacheWithAFreshNonce()
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("alice", "hubspot", Cache("first"), CancellationToken.None);
        var firstNonce = await _temp.ReadBlobAsync("nonce", "alice", "hubspot");

        await vault.StoreAsync("alice", "hubspot", Cache("second"), CancellationToken.None);

        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("second");
        (await _temp.ReadBlobAsync("nonce", "alice", "hubspot")).Should().HaveCount(12).And.NotEqual(firstNonce);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM token_vault;")).Should().Be(1);
    }

    [Fact]
    public async Task LoadAsync_NoRow_NotConnected()
    {
        var vault = await _temp.OpenAsync(_keys);

        (await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task LoadAsync_EachUserAndProvider_GetsOnlyItsOwnCache()
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        await vault.StoreAsync("alice", "salesforce", Cache("alice-salesforce"), CancellationToken.None);

        (await vault.LoadAsync("bob", "hubspot", CancellationToken.None)).Should().BeNull();
        Text(await vault.LoadAsync("alice", "salesforce", CancellationToken.None)).Should().Be("alice-salesforce");

        await vault.StoreAsync("bob", "hubspot", Cache("bob-hubspot"), CancellationToken.None);
        Text(await vault.LoadAsync("bob", "hubspot", CancellationToken.None)).Should().Be("bob-hubspot");
        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot");
    }

    [Fact]
    public async Task LoadAsync_AlicesBlobCopiedIntoBobsRow_NotConnectedAndLogged()
    {
        var logger = new CapturingLoggerProvider();
        var vault = await _temp.OpenAsync(_keys, logger.For<SqliteTokenVault>());
        await vault.StoreAsync("alice", "hubspot", Cache("alice-secret"), CancellationToken.None);
        await vault.StoreAsync("bob", "hubspot", Cache("bob-secret"), CancellationToken.None);

        await _temp.ExecuteAsync("""
            UPDATE token_vault SET
                nonce = (SELECT nonce FROM token_vault WHERE user = 'alice'),
                ciphertext = (SELECT ciphertext FROM token_vault WHERE user = 'alice'),
                tag = (SELECT tag FROM token_vault WHERE user = 'alice')
            WHERE user = 'bob';
            """);

        (await vault.LoadAsync("bob", "hubspot", CancellationToken.None)).Should().BeNull();
        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-secret");
        var warning = logger.Entries.Should().ContainSingle().Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Contain("bob").And.Contain("hubspot").And.NotContain("secret");
    }

    [Fact]
    public async Task LoadAsync_BlobMovedBetweenAmbiguousUserProviderSplits_NotConnected()
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("a|b", "c", Cache("ab-c"), CancellationToken.None);
        await vault.StoreAsync("a", "b|c", Cache("a-bc"), CancellationToken.None);

        await _temp.ExecuteAsync("""
            UPDATE token_vault SET
                nonce = (SELECT nonce FROM token_vault WHERE user = 'a|b'),
                ciphertext = (SELECT ciphertext FROM token_vault WHERE user = 'a|b'),
                tag = (SELECT tag FROM token_vault WHERE user = 'a|b')
            WHERE user = 'a';
            """);

        (await vault.LoadAsync("a", "b|c", CancellationToken.None)).Should().BeNull();
        SqliteTokenVault.AssociatedData("a|b", "c").Should().NotEqual(SqliteTokenVault.AssociatedData("a", "b|c"));
        Encoding.ASCII.GetString(SqliteTokenVault.AssociatedData("a", "b")).Should().StartWith("v1|");
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("nonce")]
    public async Task LoadAsync_TamperedColumn_NotConnected(string column)
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        var bytes = await _temp.ReadBlobAsync(column, "alice", "hubspot");
        bytes[0] ^= 0x01;

        await _temp.WriteColumnAsync(column, bytes, "alice", "hubspot");

        (await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("old")]
    public async Task LoadAsync_TamperedKeyId_NotConnected(string keyId)
    {
        using var keys = VaultKeyRing.FromEnvironmentValue($"new:{KeyB},old:{KeyA}");
        var vault = await _temp.OpenAsync(keys);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);

        await _temp.WriteColumnAsync("key_id", keyId, "alice", "hubspot");

        (await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task LoadAsync_ADifferentKeyRingWithTheSameKeyId_NotConnected()
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        using var otherKeys = VaultKeyRing.Generate("k1");

        var other = await _temp.OpenAsync(otherKeys);

        (await other.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task MarkNeedsReconnectAsync_ThenLoad_NotConnectedUntilStoredAgain()
    {
        var vault = await _temp.OpenAsync(_keys);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);

        await vault.MarkNeedsReconnectAsync("alice", "hubspot", CancellationToken.None);

        (await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
        (await vault.ListAsync(null, CancellationToken.None)).Should().ContainSingle().Which.Status.Should().Be(ConnectionStatus.NeedsReconnect);
        await vault.StoreAsync("alice", "hubspot", Cache("reconnected"), CancellationToken.None);
        Text(await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("reconnected");
        (await vault.ListAsync(null, CancellationToken.None)).Should().ContainSingle().Which.Status.Should().Be(ConnectionStatus.Connected);
    }

    [Fact]
    public async Task ListAsync_FiltersByUserOrdersAndDeleteAsyncRemoves()
    {
        var time = new FixedTime(DateTimeOffset.Parse("2025-06-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var database = new GovernanceDatabase(_temp.DatabasePath);
        await database.InitializeAsync(CancellationToken.None);
        var vault = new SqliteTokenVault(database, _keys, time);
        await vault.StoreAsync("bob", "hubspot", Cache("b"), CancellationToken.None);
        await vault.StoreAsync("alice", "salesforce", Cache("a2"), CancellationToken.None);
        await vault.StoreAsync("alice", "hubspot", Cache("a1"), CancellationToken.None);

        (await vault.ListAsync(null, CancellationToken.None)).Select(e => $"{e.User}/{e.Provider}").Should().Equal("alice/hubspot", "alice/salesforce", "bob/hubspot");
        (await vault.ListAsync("alice", CancellationToken.None)).Should().HaveCount(2).And.OnlyContain(e => e.UpdatedAt == time.Now);

        await vault.DeleteAsync("alice", "hubspot", CancellationToken.None);

        (await vault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
        (await vault.ListAsync("alice", CancellationToken.None)).Should().ContainSingle().Which.Provider.Should().Be("salesforce");
    }

    [Fact]
    public async Task OpenAsync_NoKeyFileAndNoRows_CreatesTheKeyFileOwnerOnly()
    {
        var vault = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);

        File.Exists(_temp.KeyFilePath).Should().BeTrue();
        vault.Keys!.Source.Should().Be(VaultKeySource.File);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_temp.KeyFilePath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var reopened = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);
        Text(await reopened.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot");
    }

    [Fact]
    public async Task OpenAsync_KeyFileLostWithRows_NotConnectedAndNoNewKeyCreated()
    {
        var vault = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        File.Delete(_temp.KeyFilePath);

        var reopened = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);

        reopened.Keys.Should().BeNull();
        File.Exists(_temp.KeyFilePath).Should().BeFalse("a new key over rows it cannot read would hide the lost key");
        (await reopened.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().BeNull();
        var store = () => reopened.StoreAsync("bob", "hubspot", Cache("bob"), CancellationToken.None);
        (await store.Should().ThrowAsync<VaultKeyException>()).Which.Message.Should().Contain("no key");
        (await reopened.ListAsync(null, CancellationToken.None)).Should().ContainSingle("listing needs no key");
    }

    [Fact]
    public async Task OpenAsync_EnvironmentValue_UsesItAndWritesNoKeyFile()
    {
        var vault = await SqliteTokenVault.OpenAsync(_temp.Folder, $"env1:{KeyA}", TimeProvider.System, null, CancellationToken.None);
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);

        vault.Keys!.Source.Should().Be(VaultKeySource.Environment);
        File.Exists(_temp.KeyFilePath).Should().BeFalse();
        (await vault.ListAsync(null, CancellationToken.None)).Should().ContainSingle().Which.KeyId.Should().Be("env1");
    }

    [Fact]
    public async Task OpenAsync_MalformedEnvironmentValue_Throws()
    {
        var open = () => SqliteTokenVault.OpenAsync(_temp.Folder, "env1:nope", TimeProvider.System, null, CancellationToken.None);

        await open.Should().ThrowAsync<VaultKeyException>();
    }

    [Fact]
    public async Task RotateAsync_AfterANewKey_OldRowsReadableBeforeAndReencryptedAfter()
    {
        var vault = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);
        var oldKeyId = vault.Keys!.CurrentKeyId;
        await vault.StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        await vault.StoreAsync("bob", "hubspot", Cache("bob-hubspot"), CancellationToken.None);
        var oldCiphertext = await _temp.ReadBlobAsync("ciphertext", "alice", "hubspot");
        using var rotatedKeys = VaultKeyRing.AddKeyToFile(_temp.KeyFilePath);
        var rotatedVault = await _temp.OpenAsync(rotatedKeys);

        Text(await rotatedVault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot", "old keys still decrypt");
        var result = await rotatedVault.RotateAsync(CancellationToken.None);

        result.Should().Be(new VaultRotationResult(rotatedKeys.CurrentKeyId, Rotated: 2, AlreadyCurrent: 0, Unreadable: 0));
        rotatedKeys.CurrentKeyId.Should().NotBe(oldKeyId);
        (await rotatedVault.ListAsync(null, CancellationToken.None)).Should().OnlyContain(e => e.KeyId == rotatedKeys.CurrentKeyId);
        (await _temp.ReadBlobAsync("ciphertext", "alice", "hubspot")).Should().NotEqual(oldCiphertext);
        Text(await rotatedVault.LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot");
        Text(await rotatedVault.LoadAsync("bob", "hubspot", CancellationToken.None)).Should().Be("bob-hubspot");
        using var onlyNewKey = VaultKeyRing.FromEnvironmentValue($"{rotatedKeys.CurrentKeyId}:{KeyOf(rotatedKeys, rotatedKeys.CurrentKeyId)}");
        Text(await (await _temp.OpenAsync(onlyNewKey)).LoadAsync("alice", "hubspot", CancellationToken.None)).Should().Be("alice-hubspot", "the old key is no longer needed");
        (await rotatedVault.RotateAsync(CancellationToken.None)).Should().Be(new VaultRotationResult(rotatedKeys.CurrentKeyId, 0, 2, 0));
    }

    [Fact]
    public async Task RotateAsync_UnreadableRow_CountedAndLeftUntouched()
    {
        using var oldKeys = VaultKeyRing.FromEnvironmentValue($"old:{KeyA}");
        await (await _temp.OpenAsync(oldKeys)).StoreAsync("alice", "hubspot", Cache("alice-hubspot"), CancellationToken.None);
        await (await _temp.OpenAsync(oldKeys)).StoreAsync("bob", "hubspot", Cache("bob-hubspot"), CancellationToken.None);
        await _temp.WriteColumnAsync("key_id", "lost", "bob", "hubspot");
        using var newKeys = VaultKeyRing.FromEnvironmentValue($"new:{KeyB},old:{KeyA}");
        var vault = await _temp.OpenAsync(newKeys);

        var result = await vault.RotateAsync(CancellationToken.None);

        result.Should().Be(new VaultRotationResult("new", Rotated: 1, AlreadyCurrent: 0, Unreadable: 1));
        (await vault.ListAsync("bob", CancellationToken.None)).Should().ContainSingle().Which.KeyId.Should().Be("lost");
    }

    [Fact]
    public async Task DatabaseFiles_NeverContainThePlaintextOrTheKey()
    {
        const string Canary = "CANARY-refresh-token-7f3c9a1e-do-not-store-in-clear";
        var vault = await SqliteTokenVault.OpenAsync(_temp.Folder, null, TimeProvider.System, null, CancellationToken.None);

        // An open connection keeps the -wal file (SQLite deletes it when the last connection closes, as pooled ones may).
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_temp.Folder, GovernanceDatabase.FileName)};Pooling=False");
        await holder.OpenAsync();

        // Opening is lazy: only a first read maps the WAL index, which is what keeps the -wal file from being deleted.
        await using (var read = holder.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM sqlite_schema;";
            await read.ExecuteScalarAsync();
        }

        for (var i = 0; i < 20; i++)
        {
            await vault.StoreAsync($"user{i}", "hubspot", Cache($"{{\"RefreshToken\":{{\"secret\":\"{Canary}\"}}}}"), CancellationToken.None);
        }

        var key = Convert.FromBase64String(KeyOf(vault.Keys!, vault.Keys!.CurrentKeyId));
        var files = Directory.GetFiles(_temp.Folder, GovernanceDatabase.FileName + "*");
        files.Should().Contain(f => f.EndsWith("-wal", StringComparison.Ordinal), "the canary must be looked for in the WAL too");
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Canary)).Should().Be(-1, $"{Path.GetFileName(file)} must not hold the plaintext");
            bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Canary)).Should().Be(-1);
            bytes.AsSpan().IndexOf(key).Should().Be(-1, $"{Path.GetFileName(file)} must not hold the key");
        }

        Text(await vault.LoadAsync("user7", "hubspot", CancellationToken.None)).Should().Contain(Canary);
    }

    [Fact]
    public async Task StoreAsync_EmptyUserOrProvider_Throws()
    {
        var vault = await _temp.OpenAsync(_keys);

        var noUser = () => vault.StoreAsync("", "hubspot", Cache("x"), CancellationToken.None);
        var noProvider = () => vault.LoadAsync("alice", "", CancellationToken.None);

        await noUser.Should().ThrowAsync<ArgumentException>();
        await noProvider.Should().ThrowAsync<ArgumentException>();
    }

    public void Dispose()
    {
        _keys.Dispose();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static ReadOnlyMemory<byte> Cache(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Encoding.UTF8.GetString(b.Span) : null;

    private static string KeyOf(VaultKeyRing ring, string id) => ring.TryGetKey(id, out var key) ? Convert.ToBase64String(key) : throw new InvalidOperationException(id);

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now => now;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
