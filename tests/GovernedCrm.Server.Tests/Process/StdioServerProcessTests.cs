using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>The real executable over stdio: stdout carries only JSON-RPC, logs go to stderr, SIGTERM stops it cleanly.</summary>
public sealed class StdioServerProcessTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("governedcrm-home-").FullName;

    [Fact]
    public async Task Serve_NoDataOption_CreatesDefaultFolderUnderHomeAndLogsIt()
    {
        using var server = ServerProcess.Start([], new Dictionary<string, string?> { ["HOME"] = _home });

        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));

        var expected = Path.Combine(_home, ".governedcrm");
        server.StandardError.Should().Contain(expected);
        File.Exists(Path.Combine(expected, "crm.db")).Should().BeTrue();
    }

    [Fact]
    public async Task Serve_EnvironmentDataFolder_Used()
    {
        var data = Path.Combine(_home, "from-env");
        using var server = ServerProcess.Start([], new Dictionary<string, string?> { ["GOVERNEDCRM_DATA"] = data });

        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));

        server.StandardError.Should().Contain(data);
        File.Exists(Path.Combine(data, "crm.db")).Should().BeTrue();
    }

    [Fact]
    public async Task Serve_JsonRpcSession_StdoutIsOnlyJsonRpcAndSigtermExitsCleanly()
    {
        using var server = ServerProcess.Start(["--data", Path.Combine(_home, "data")]);
        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));

        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"3001"}}}""");
        await server.Input.FlushAsync();
        await WaitForLinesAsync(server, 2);
        server.Terminate();
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        code.Should().Be(0);
        var lines = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        foreach (var line in lines)
        {
            using var message = JsonDocument.Parse(line);
            message.RootElement.GetProperty("jsonrpc").GetString().Should().Be("2.0");
        }

        lines.Should().ContainSingle(l => l.Contains("Acme Robotics", StringComparison.Ordinal));
        server.StandardError.Should().Contain("governed-crm stopped");
    }

    [Fact]
    public async Task Serve_StdinClosed_ExitsCleanly()
    {
        using var server = ServerProcess.Start(["--data", Path.Combine(_home, "data")]);
        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));

        server.Input.Close();

        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
    }

    public void Dispose() => TempFolder.Delete(_home);

    private static async Task WaitForLinesAsync(ServerProcess server, int count)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < count)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"No answer. stdout:\n{server.StandardOutput}\nstderr:\n{server.StandardError}");
            }

            await Task.Delay(50);
        }
    }
}
