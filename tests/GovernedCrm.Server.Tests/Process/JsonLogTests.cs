using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>JSON log lines on request: <c>--log-format json</c>, or the standard <c>Logging__Console__FormatterName=json</c>.</summary>
public sealed class JsonLogTests : IDisposable
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"logs","version":"1"}}}""";

    private readonly TempFolder _folder = new("governedcrm-logs-");

    [Fact]
    public async Task Serve_LogFormatJson_EveryStderrLineIsAJsonLogEntry()
    {
        var stderr = await RunAsync(["serve", "--log-format", "json", "--data", _folder.File("data")], null);

        AssertJsonLines(stderr);
    }

    [Fact]
    public async Task Root_LoggingConsoleFormatterNameJson_EveryStderrLineIsAJsonLogEntry()
    {
        var stderr = await RunAsync(["--data", _folder.File("data")], new Dictionary<string, string?> { ["Logging__Console__FormatterName"] = "json" });

        AssertJsonLines(stderr);
    }

    [Fact]
    public async Task Serve_Default_LogsPlainTextLines()
    {
        var stderr = await RunAsync(["serve", "--data", _folder.File("data")], null);

        Lines(stderr).Should().Contain(l => l.Contains("info: GovernedCrm.Server", StringComparison.Ordinal));
        Lines(stderr).Should().NotContain(l => l.StartsWith('{'));
    }

    [Fact]
    public async Task Serve_Default_LeavesOutTheSdksPerRequestInformationLines()
    {
        var stderr = await RunAsync(["serve", "--data", _folder.File("data")], null);

        Lines(stderr).Should().NotContain(l => l.Contains("ModelContextProtocol", StringComparison.Ordinal), "the SDK's per-request lines are below its warning level");
        Lines(stderr).Should().Contain(l => l.Contains("serving MCP over stdio", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_SdkLevelFromTheStandardVariable_BringsTheLinesBack()
    {
        var stderr = await RunAsync(["serve", "--data", _folder.File("data")], new Dictionary<string, string?> { ["Logging__LogLevel__ModelContextProtocol"] = "Information" });

        Lines(stderr).Should().Contain(l => l.Contains("info: ModelContextProtocol", StringComparison.Ordinal) && l.Contains("'initialize'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_UnknownLogFormat_ExitsTwo()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--log-format", "xml", "--data", _folder.File("data")]);

        code.Should().Be(2);
        stderr.Should().Contain("xml");
    }

    public void Dispose() => _folder.Dispose();

    private static async Task<string> RunAsync(string[] arguments, Dictionary<string, string?>? environment)
    {
        using var server = ServerProcess.Start(arguments, environment);
        await server.Input.WriteAsync(Initialize + "\n");
        server.Input.Close();
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        code.Should().Be(0, server.StandardError);
        server.StandardOutput.Should().Contain("\"id\":1", "the request is still answered on stdout");
        return server.StandardError;
    }

    private static void AssertJsonLines(string stderr)
    {
        var lines = Lines(stderr);
        lines.Should().NotBeEmpty();
        lines.Should().AllSatisfy(line =>
        {
            using var entry = JsonDocument.Parse(line);
            entry.RootElement.GetProperty("LogLevel").GetString().Should().NotBeNullOrEmpty();
            entry.RootElement.GetProperty("Category").GetString().Should().NotBeNullOrEmpty();
            entry.RootElement.GetProperty("Timestamp").GetString().Should().EndWith("Z");
        });
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Message").GetString())
            .Should().Contain(m => m!.Contains("serving MCP over stdio", StringComparison.Ordinal));
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
