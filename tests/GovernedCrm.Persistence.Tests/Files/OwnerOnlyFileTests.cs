using System.Text;
using GovernedCrm.Persistence.Files;

namespace GovernedCrm.Persistence.Tests.Files;

public sealed class OwnerOnlyFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TryWriteNew_NoFile_WritesTheContentOwnerOnlyInANewOwnerOnlyFolder()
    {
        var path = _temp.File("keys", "secret.key");

        OwnerOnlyFile.TryWriteNew(path, "secret\n"u8).Should().BeTrue();

        File.ReadAllBytes(path).Should().Equal("secret\n"u8.ToArray());
        Directory.GetFiles(_temp.File("keys")).Select(Path.GetFileName)
            .Should().BeEquivalentTo(["secret.key", ".secret.key.lock"], "no temporary file is left behind; the lock file stays");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(OwnerReadWrite);
            File.GetUnixFileMode(_temp.File("keys", ".secret.key.lock")).Should().Be(OwnerReadWrite);
            File.GetUnixFileMode(_temp.File("keys")).Should().Be(OwnerAll);
        }
    }

    [Fact]
    public void TryWriteNew_FileExists_ReturnsFalseAndLeavesItAlone()
    {
        var path = _temp.File("secret.key");
        File.WriteAllText(path, "first");

        OwnerOnlyFile.TryWriteNew(path, "second"u8).Should().BeFalse();

        File.ReadAllText(path).Should().Be("first");
    }

    [Fact]
    public async Task TryWriteNew_ManyWritersAtOnce_ExactlyOneWinsAndTheFileHoldsItsContent()
    {
        // The race (both creators find no file, both rename, the first one's content is gone) is narrow: many rounds.
        for (var round = 0; round < 40; round++)
        {
            var path = _temp.File("keys", $"secret{round}.key");
            using var start = new ManualResetEventSlim();
            var writers = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            {
                start.Wait();
                return (Index: i, Won: OwnerOnlyFile.TryWriteNew(path, Encoding.ASCII.GetBytes($"writer {i}")));
            })).ToArray();

            start.Set();
            var results = await Task.WhenAll(writers);

            var winner = results.Should().ContainSingle(r => r.Won).Which;
            File.ReadAllText(path).Should().Be($"writer {winner.Index}", "the file holds the winner's content, so the winner may use it");
        }
    }

    [Fact]
    public void Replace_ExistingFileReadableByOthers_ReplacesItOwnerOnly()
    {
        var path = _temp.File("secret.key");
        File.WriteAllText(path, "old content that is longer");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        OwnerOnlyFile.Replace(path, "new"u8);

        File.ReadAllText(path).Should().Be("new");
        Directory.GetFiles(_temp.Path).Should().ContainSingle("no temporary file is left behind");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(OwnerReadWrite);
        }
    }

    [Fact]
    public async Task Lock_HeldElsewhere_TryWriteNewWaitsForItsRelease()
    {
        var path = _temp.File("secret.key");
        var gate = OwnerOnlyFile.Lock(path);
        var writer = Task.Run(() => OwnerOnlyFile.TryWriteNew(path, "waited"u8));

        await Task.Delay(300);
        writer.IsCompleted.Should().BeFalse("the lock is held");
        File.Exists(path).Should().BeFalse();

        gate.Dispose();
        (await writer.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        File.ReadAllText(path).Should().Be("waited");
    }

    [Fact]
    public void TryRead_OwnerOnlyFileUpToTheLimit_ReadsIt()
    {
        var path = _temp.File("secret.key");
        OwnerOnlyFile.TryWriteNew(path, new byte[10]).Should().BeTrue();

        OwnerOnlyFile.TryRead(path, 10, out var content, out var mode).Should().Be(OwnerOnlyReadStatus.Read);

        content.Should().HaveCount(10);
        mode.Should().Be(OperatingSystem.IsWindows() ? 0 : OwnerReadWrite);
    }

    [Fact]
    public void TryRead_LargerThanTheLimit_ReadsNothing()
    {
        var path = _temp.File("secret.key");
        OwnerOnlyFile.TryWriteNew(path, new byte[10]).Should().BeTrue();

        OwnerOnlyFile.TryRead(path, 9, out var content, out _).Should().Be(OwnerOnlyReadStatus.TooLarge);

        content.Should().BeEmpty();
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherExecute)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void TryRead_AccessibleToGroupOrOthers_ReadsNothingAndGivesTheMode(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _temp.File("secret.key");
        OwnerOnlyFile.TryWriteNew(path, "x"u8).Should().BeTrue();
        File.SetUnixFileMode(path, OwnerReadWrite | extra);

        OwnerOnlyFile.TryRead(path, 10, out var content, out var mode).Should().Be(OwnerOnlyReadStatus.AccessibleToOthers);

        content.Should().BeEmpty();
        mode.Should().Be(OwnerReadWrite | extra);
    }

    [Fact]
    public void TryRead_MissingFile_Throws()
    {
        var read = () => OwnerOnlyFile.TryRead(_temp.File("missing.key"), 10, out _, out _);

        read.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void FolderSync_ExistingOrMissingFolder_FlushesOrSaysItCannot()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            FolderSync.TryFlush(_temp.Path).Should().BeFalse();
            return;
        }

        FolderSync.TryFlush(_temp.Path).Should().BeTrue();
        FolderSync.TryFlush(_temp.File("missing")).Should().BeFalse();
    }
}
