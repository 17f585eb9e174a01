namespace GovernedCrm.Server.Tests.Process;

/// <summary>Startup problems end with one line on stderr and exit code 2, never a stack trace.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-startup-").FullName;

    [Fact]
    public async Task Serve_DataFolderIsAFile_ExitCode2OneLine()
    {
        var file = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["--data", file]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "is a file, not a folder");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Serve_CorruptCrmDatabase_ExitCode2OneLine()
    {
        await File.WriteAllBytesAsync(Path.Combine(_folder, "crm.db"), Enumerable.Repeat((byte)0x5A, 16384).ToArray());

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["--data", _folder]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "crm.db cannot be opened");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task ServeHttp_CorruptCrmDatabase_ExitCode2OneLine()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "crm.db"), "SQLite format 3\0 but not really");

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--http", "--urls", "http://127.0.0.1:0", "--data", _folder]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "crm.db");
    }

    [Fact]
    public async Task Serve_DataFolderUnderAFile_ExitCode2OneLine()
    {
        var file = Path.Combine(_folder, "file");
        await File.WriteAllTextAsync(file, "x");

        var (code, _, stderr) = await ServerProcess.RunAsync(["--data", Path.Combine(file, "data")]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "cannot be created or written");
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("serve", "--urls")]
    public async Task Parse_BadUsage_ExitCode2(params string[] arguments)
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync(arguments);

        code.Should().Be(2);
        stderr.Should().Contain("governed-crm: error:");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Help_ListsServeAndData()
    {
        var (code, stdout, _) = await ServerProcess.RunAsync(["--help"]);

        code.Should().Be(0);
        stdout.Should().Contain("serve").And.Contain("--data");
    }

    public void Dispose() => TempFolder.Delete(_folder);
}
