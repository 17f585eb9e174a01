using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Tests.Checkpoints;

public sealed partial class AuditSigningKeyTests : IDisposable
{
    private const string KeyName = "governed-crm-audit";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void LoadOrCreate_MissingFileAndFolder_CreatesOwnerOnlyFile()
    {
        var path = _folder.File("keys", "nested", "audit.key");

        using var key = AuditSigningKey.LoadOrCreate(path, KeyName);

        File.Exists(path).Should().BeTrue();
        Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .Should().ContainSingle("no temporary file is left behind (the creators' lock file stays)");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(Path.GetDirectoryName(path)!).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void LoadOrCreate_ExistingFile_ReloadsTheSameKey()
    {
        var path = _folder.File("audit.key");
        string first;
        string firstNote;
        using (var created = AuditSigningKey.LoadOrCreate(path, KeyName))
        {
            first = created.VerifierKey;
            firstNote = created.SignNote("same text\n");
        }

        using var reloaded = AuditSigningKey.LoadOrCreate(path, KeyName);

        reloaded.VerifierKey.Should().Be(first);
        reloaded.SignNote("same text\n").Should().Be(firstNote, "Ed25519 signatures are deterministic");
    }

    [Fact]
    public void LoadOrCreate_NewFile_IsGoPrivateKeyFormWithTheVerifierKeysId()
    {
        var path = _folder.File("audit.key");
        using var key = AuditSigningKey.LoadOrCreate(path, KeyName);

        var content = File.ReadAllText(path);

        var match = PrivateKeyLine().Match(content);
        match.Success.Should().BeTrue();
        match.Groups["name"].Value.Should().Be(KeyName);
        match.Groups["id"].Value.Should().Be(key.VerifierKey.Split('+')[1]);
        var blob = Convert.FromBase64String(match.Groups["key"].Value);
        blob.Should().HaveCount(33);
        blob[0].Should().Be(0x01);
        key.VerifierKey.Should().NotContain(match.Groups["key"].Value);
    }

    [Fact]
    public void VerifierKey_Always_IsNamePlusKeyIdPlusBase64TypedPublicKey()
    {
        using var key = AuditSigningKey.Generate("example.com/log");

        var parts = key.VerifierKey.Split('+', 3);

        parts[0].Should().Be("example.com/log");
        parts[1].Should().MatchRegex("^[0-9a-f]{8}$");
        var blob = Convert.FromBase64String(parts[2]);
        blob.Should().HaveCount(33);
        blob[0].Should().Be(0x01);
        var hashed = SHA256.HashData([.. Encoding.UTF8.GetBytes("example.com/log"), 0x0A, .. blob]);
        parts[1].Should().Be(Convert.ToHexStringLower(hashed.AsSpan(0, 4)));
        key.KeyId.Should().Be(BinaryPrimitives.ReadUInt32BigEndian(hashed));
    }

    [Fact]
    public void LoadOrCreate_GoEncodedSignerKey_MatchesGoVerifierKeyAndSignature()
    {
        var path = _folder.File("go.key");
        WriteOwnerOnly(path, CheckpointTestSupport.GoSignerKey + "\n");

        using var key = AuditSigningKey.LoadOrCreate(path, "PeterNeumann");

        key.VerifierKey.Should().Be(CheckpointTestSupport.GoVerifierKey);
        key.SignNote(CheckpointTestSupport.GoText).Should().Be(CheckpointTestSupport.GoSignedNote);
    }

    [Fact]
    public void LoadOrCreate_FileWithoutTrailingNewline_Loads()
    {
        var path = _folder.File("go.key");
        WriteOwnerOnly(path, CheckpointTestSupport.GoSignerKey);

        using var key = AuditSigningKey.LoadOrCreate(path, "PeterNeumann");

        key.VerifierKey.Should().Be(CheckpointTestSupport.GoVerifierKey);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite)]
    public void LoadOrCreate_FileAccessibleToGroupOrOthers_IsRefused(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _folder.File("audit.key");
        AuditSigningKey.LoadOrCreate(path, KeyName).Dispose();
        File.SetUnixFileMode(path, mode);

        var load = () => AuditSigningKey.LoadOrCreate(path, KeyName);

        load.Should().Throw<AuditKeyException>().Which.Message.Should().Contain(path).And.Contain("chmod 600");
    }

    [Fact]
    public void LoadOrCreate_OwnerReadOnlyFile_Loads()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _folder.File("audit.key");
        string verifierKey;
        using (var created = AuditSigningKey.LoadOrCreate(path, KeyName))
        {
            verifierKey = created.VerifierKey;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        using var key = AuditSigningKey.LoadOrCreate(path, KeyName);
        key.VerifierKey.Should().Be(verifierKey);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("key id changed")]
    [InlineData("key changed")]
    [InlineData("key not base64")]
    [InlineData("key type changed")]
    [InlineData("prefix missing")]
    [InlineData("second line")]
    [InlineData("too large")]
    public void LoadOrCreate_CorruptFile_IsRefusedNamingThePathButNotTheKey(string corruption)
    {
        var path = _folder.File("audit.key");
        AuditSigningKey.LoadOrCreate(path, KeyName).Dispose();
        var original = File.ReadAllText(path).TrimEnd('\n');
        var secret = original.Split('+', 5)[4]; // the base64 part may itself contain '+'
        var corrupt = corruption switch
        {
            "empty" => "",
            "garbage" => "not a key at all",
            "truncated" => original[..^10],
            "key id changed" => original.Replace("+" + original.Split('+')[3] + "+", "+00000000+", StringComparison.Ordinal),
            "key changed" => original[..^5] + (original[^5] == 'A' ? 'B' : 'A') + original[^4..],
            "key not base64" => original[..^3] + "!!=",
            "key type changed" => original[..^secret.Length] + Convert.ToBase64String([0x02, .. Convert.FromBase64String(secret)[1..]]),
            "prefix missing" => original["PRIVATE+KEY+".Length..],
            "second line" => original + "\n" + original,
            "too large" => original + new string(' ', 5000),
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        WriteOwnerOnly(path, corrupt);

        var load = () => AuditSigningKey.LoadOrCreate(path, KeyName);

        var message = load.Should().Throw<AuditKeyException>().Which.Message;
        message.Should().Contain(path);
        for (var i = 0; i + 8 <= secret.Length; i++)
        {
            message.Should().NotContain(secret.Substring(i, 8), "the message must not leak key material");
        }
    }

    [Fact]
    public void LoadOrCreate_FileForAnotherKeyName_IsRefused()
    {
        var path = _folder.File("audit.key");
        AuditSigningKey.LoadOrCreate(path, "other-name").Dispose();

        var load = () => AuditSigningKey.LoadOrCreate(path, KeyName);

        load.Should().Throw<AuditKeyException>().Which.Message.Should().Contain(path).And.Contain("other-name").And.Contain(KeyName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("with+plus")]
    [InlineData("tab\there")]
    [InlineData("no\u00a0break")]
    public void LoadOrCreate_InvalidKeyName_ThrowsArgumentException(string keyName)
    {
        var load = () => AuditSigningKey.LoadOrCreate(_folder.File("audit.key"), keyName);

        load.Should().Throw<ArgumentException>();
        File.Exists(_folder.File("audit.key")).Should().BeFalse();
    }

    [Fact]
    public void LoadOrCreate_ConcurrentCreators_AllGetTheSameKey()
    {
        var path = _folder.File("race", "audit.key");

        var keys = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16).Select(_ =>
        {
            using var key = AuditSigningKey.LoadOrCreate(path, KeyName);
            return key.VerifierKey;
        }).ToList();

        keys.Distinct().Should().ContainSingle();
        Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .Should().ContainSingle("no temporary file is left behind");
    }

    [Fact]
    public void SignNote_Text_HasExactC2spLayout()
    {
        using var key = AuditSigningKey.Generate(KeyName);
        const string text = "line one\nline two\n";

        var note = key.SignNote(text);

        note.Should().StartWith(text + "\n\u2014 " + KeyName + " ").And.EndWith("\n");
        var lines = note.Split('\n');
        lines.Should().HaveCount(5);
        var blob = Convert.FromBase64String(lines[3][(("\u2014 " + KeyName + " ").Length)..]);
        blob.Should().HaveCount(68);
        BinaryPrimitives.ReadUInt32BigEndian(blob).Should().Be(key.KeyId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no final newline")]
    [InlineData("carriage return\r\n")]
    [InlineData("nul\u0000\n")]
    public void SignNote_InvalidText_ThrowsArgumentException(string text)
    {
        using var key = AuditSigningKey.Generate(KeyName);

        var sign = () => key.SignNote(text);

        sign.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void SignNote_UnpairedSurrogate_ThrowsArgumentException()
    {
        // Built at run time: attribute arguments are stored as UTF-8, which would replace the lone surrogate.
        using var key = AuditSigningKey.Generate(KeyName);
        var text = "unpaired " + (char)0xD800 + " surrogate\n";

        var sign = () => key.SignNote(text);

        sign.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void SignNote_TextWithBlankLinesAndNonAscii_Verifies()
    {
        using var key = AuditSigningKey.Generate(KeyName);
        const string text = "Ognuno sta solo sul cuor della terra\n\ned è subito sera.\n\n";

        NoteVerifier.TryVerify(key.SignNote(text), key.VerifierKey, out var verified).Should().BeTrue();

        verified.Should().Be(text);
    }

    [Fact]
    public void SignNote_AfterDispose_ThrowsObjectDisposedException()
    {
        var key = AuditSigningKey.Generate(KeyName);
        key.Dispose();

        var sign = () => key.SignNote("text\n");

        sign.Should().Throw<ObjectDisposedException>();
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    [GeneratedRegex("^PRIVATE\\+KEY\\+(?<name>[^+\\s]+)\\+(?<id>[0-9a-f]{8})\\+(?<key>[A-Za-z0-9+/]{44})\n$")]
    private static partial Regex PrivateKeyLine();
}
