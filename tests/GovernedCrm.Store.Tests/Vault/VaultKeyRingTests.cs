using GovernedCrm.Store.Vault;

namespace GovernedCrm.Store.Tests.Vault;

public sealed class VaultKeyRingTests : IDisposable
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-vaultkeys-").FullName;

    private string KeyFile => VaultKeyRing.KeyFilePathIn(_folder);

    [Fact]
    public void FromEnvironmentValue_TwoKeys_FirstIsCurrentAndBothDecrypt()
    {
        using var ring = VaultKeyRing.FromEnvironmentValue($"new:{KeyB}, old:{KeyA}");

        ring.CurrentKeyId.Should().Be("new");
        ring.KeyIds.Should().Equal("new", "old");
        ring.Source.Should().Be(VaultKeySource.Environment);
        ring.TryGetKey("old", out var old).Should().BeTrue();
        Convert.ToBase64String(old!).Should().Be(KeyA);
        ring.TryGetKey("other", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("", "entry 1: expected id:base64key")]
    [InlineData("k1", "entry 1: expected id:base64key")]
    [InlineData("k1:not base64!", "entry 1: the key of 'k1' is not base64 of 32 bytes")]
    [InlineData("k1:AAAAAAAAAAAAAAAAAAAAAA==", "entry 1: the key of 'k1' is not base64 of 32 bytes")]
    [InlineData("bad id:AAAA", "entry 1: the key id must be")]
    [InlineData(":AAAA", "entry 1: the key id must be")]
    public void FromEnvironmentValue_Malformed_ThrowsNamingTheProblem(string value, string expected)
    {
        var parse = () => VaultKeyRing.FromEnvironmentValue(value);

        parse.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("GOVERNEDCRM_VAULT_KEY is malformed").And.Contain(expected);
    }

    [Fact]
    public void FromEnvironmentValue_DuplicateIdOrTrailingComma_ThrowsWithoutRepeatingTheKeys()
    {
        var duplicate = () => VaultKeyRing.FromEnvironmentValue($"k1:{KeyA},k1:{KeyB}");
        var trailing = () => VaultKeyRing.FromEnvironmentValue($"k1:{KeyA},");

        duplicate.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("entry 2: the key id 'k1' appears twice").And.NotContain(KeyA).And.NotContain(KeyB);
        trailing.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("entry 2: expected id:base64key").And.NotContain(KeyA);
    }

    [Fact]
    public void LoadOrCreateFile_NoFile_CreatesOneKeyOwnerOnlyInKeysFolder()
    {
        using var ring = VaultKeyRing.LoadOrCreateFile(KeyFile);

        KeyFile.Should().Be(Path.Combine(_folder, "keys", "vault.keys"));
        ring.Source.Should().Be(VaultKeySource.File);
        ring.FilePath.Should().Be(KeyFile);
        var lines = File.ReadAllLines(KeyFile);
        lines.Should().ContainSingle().Which.Should().StartWith(ring.CurrentKeyId + ":");
        Convert.FromBase64String(lines[0][(ring.CurrentKeyId.Length + 1)..]).Should().HaveCount(32);
        Directory.GetFiles(Path.GetDirectoryName(KeyFile)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .Should().ContainSingle("no temporary file is left behind (the creators' lock file stays, as beside the audit key)");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(KeyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void LoadOrCreateFile_Existing_LoadsTheSameKey()
    {
        using var created = VaultKeyRing.LoadOrCreateFile(KeyFile);
        using var loaded = VaultKeyRing.LoadOrCreateFile(KeyFile);

        loaded.CurrentKeyId.Should().Be(created.CurrentKeyId);
        created.TryGetKey(created.CurrentKeyId, out var a).Should().BeTrue();
        loaded.TryGetKey(created.CurrentKeyId, out var b).Should().BeTrue();
        b.Should().Equal(a);
    }

    [Fact]
    public void AddKeyToFile_Existing_NewKeyFirstOldKeptOwnerOnly()
    {
        using var first = VaultKeyRing.LoadOrCreateFile(KeyFile);

        using var rotated = VaultKeyRing.AddKeyToFile(KeyFile);

        rotated.KeyIds.Should().HaveCount(2);
        rotated.KeyIds[1].Should().Be(first.CurrentKeyId);
        rotated.CurrentKeyId.Should().NotBe(first.CurrentKeyId);
        using var reloaded = VaultKeyRing.LoadFile(KeyFile);
        reloaded.KeyIds.Should().Equal(rotated.KeyIds);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(KeyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public void LoadFile_ReadableByGroup_Refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using (VaultKeyRing.LoadOrCreateFile(KeyFile))
        {
        }

        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var load = () => VaultKeyRing.LoadFile(KeyFile);

        load.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("accessible to group or others").And.Contain("chmod 600");
    }

    [Fact]
    public void LoadFile_MalformedLine_ThrowsNamingFileAndLine()
    {
        WriteKeyFile($"k1:{KeyA}\nk2:short\n");

        var load = () => VaultKeyRing.LoadFile(KeyFile);

        load.Should().Throw<VaultKeyException>().Which.Message.Should()
            .Contain(KeyFile).And.Contain("line 2: the key of 'k2' is not base64 of 32 bytes").And.NotContain(KeyA);
    }

    [Fact]
    public void LoadFile_EmptyOrMissing_Throws()
    {
        var missing = () => VaultKeyRing.LoadFile(KeyFile);
        missing.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("no vault key file");

        WriteKeyFile("\n");
        var empty = () => VaultKeyRing.LoadFile(KeyFile);
        empty.Should().Throw<VaultKeyException>().Which.Message.Should().Contain("holds no key");
    }

    [Fact]
    public void LoadFile_HandWrittenWithCrLf_FirstLineCurrent()
    {
        WriteKeyFile($"new:{KeyB}\r\nold:{KeyA}\r\n");

        using var ring = VaultKeyRing.LoadFile(KeyFile);

        ring.KeyIds.Should().Equal("new", "old");
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private void WriteKeyFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
