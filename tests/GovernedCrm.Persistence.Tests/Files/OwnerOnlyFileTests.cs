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
    public void IsAccessibleToOthers_OwnerOnlyOrNot_SaysSoWithTheMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _temp.File("secret.key");
        OwnerOnlyFile.TryWriteNew(path, "x"u8).Should().BeTrue();
        OwnerOnlyFile.IsAccessibleToOthers(path, out var mode).Should().BeFalse();
        mode.Should().Be(OwnerReadWrite);

        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead);
        OwnerOnlyFile.IsAccessibleToOthers(path, out mode).Should().BeTrue();
        mode.Should().Be(OwnerReadWrite | UnixFileMode.GroupRead);

        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.OtherExecute);
        OwnerOnlyFile.IsAccessibleToOthers(path, out _).Should().BeTrue();
    }

    [Fact]
    public void TryReadAll_UpToTheLimitOrLarger_ReadsOrRefuses()
    {
        var path = _temp.File("secret.key");
        File.WriteAllBytes(path, new byte[10]);

        OwnerOnlyFile.TryReadAll(path, 10, out var content).Should().BeTrue();
        content.Should().HaveCount(10);
        OwnerOnlyFile.TryReadAll(path, 9, out content).Should().BeFalse();
        content.Should().BeEmpty();
        var missing = () => OwnerOnlyFile.TryReadAll(_temp.File("missing.key"), 10, out _);
        missing.Should().Throw<FileNotFoundException>();
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
