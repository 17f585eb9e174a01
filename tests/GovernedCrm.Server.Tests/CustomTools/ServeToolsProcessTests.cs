using System.Text.Json;

namespace GovernedCrm.Server.Tests.CustomTools;

/// <summary>
/// <c>governed-crm serve --tools PATH.dll</c> as a real process: the CloseDeal sample's tool is served and governed
/// over stdio; an ungoverned tool, a missing path or a file that is no assembly stops the server with one line, exit 2.
/// </summary>
public sealed class ServeToolsProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-tools-").FullName;

    [Fact]
    public async Task ServeTools_CloseDealSample_ListedAndRunsOverStdio()
    {
        var answers = await StdioSessionAsync(
            ["serve", "--tools", ToolAssemblyFiles.CloseDeal, "--policy", ToolAssemblyFiles.CloseDealPolicy, "--data", _folder],
            environment: null,
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"CRM.CloseDeal","arguments":{"dealId":"3001","won":false,"reason":"Lost to a competitor."}}}""");

        var tools = answers[2].GetProperty("result").GetProperty("tools").EnumerateArray().ToList();
        tools.Select(t => t.GetProperty("name").GetString()).Should().Contain(["CRM.CloseDeal", "CRM.GetRecord"]);
        var closeDeal = tools.Single(t => t.GetProperty("name").GetString() == "CRM.CloseDeal");
        closeDeal.GetProperty("inputSchema").GetProperty("required").EnumerateArray().Select(r => r.GetString())
            .Should().BeEquivalentTo("dealId", "won", "reason");
        var call = answers[3].GetProperty("result");
        (call.TryGetProperty("isError", out var isError) && isError.GetBoolean()).Should().BeFalse(call.ToString());
        call.GetProperty("content")[0].GetProperty("text").GetString().Should().Be("Deal 3001 is now closedlost (version 2).");
    }

    [Fact]
    public async Task ToolsVariable_RootCommand_ServesTheTool()
    {
        var answers = await StdioSessionAsync(
            ["--policy", ToolAssemblyFiles.CloseDealPolicy, "--data", _folder],
            new Dictionary<string, string?> { ["GOVERNEDCRM_TOOLS"] = Path.PathSeparator + ToolAssemblyFiles.CloseDeal + Path.PathSeparator },
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");

        answers[2].GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())
            .Should().Contain("CRM.CloseDeal");
    }

    [Fact]
    public async Task PolicyExplain_ConfiguredLikeServe_KnowsTheCustomTool()
    {
        string[] explain = ["policy", "explain", "--policy", ToolAssemblyFiles.CloseDealPolicy, "--data", _folder, "--user", "ravi",
            "--tool", "CRM.CloseDeal", "--args", """{"dealId":"3001","won":false,"reason":"Lost."}"""];

        var (code, stdout, stderr) = await ServerProcess.RunAsync([.. explain, "--tools", ToolAssemblyFiles.CloseDeal]);
        var (envCode, envOut, envErr) = await ServerProcess.RunAsync(explain, new Dictionary<string, string?> { ["GOVERNEDCRM_TOOLS"] = ToolAssemblyFiles.CloseDeal });
        var (bareCode, _, bareErr) = await ServerProcess.RunAsync(explain, new Dictionary<string, string?> { ["GOVERNEDCRM_TOOLS"] = null });

        code.Should().Be(0, stderr);
        stdout.Should().Contain("close-deals");
        envCode.Should().Be(0, envErr);
        envOut.Should().Contain("close-deals");
        bareCode.Should().Be(2, "without the tools a server would not serve CRM.CloseDeal either");
        bareErr.Should().Contain("unknown tool 'CRM.CloseDeal'");
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("http")]
    public async Task ServeTools_UngovernedTool_ExitCode2OneLine(string transport)
    {
        string[] mode = transport == "http" ? ["serve", "--http", "--urls", "http://127.0.0.1:0"] : ["serve"];

        var (code, stdout, stderr) = await ServerProcess.RunAsync([.. mode, "--tools", ToolAssemblyFiles.Ungoverned, "--data", _folder]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "Tool 'Test.Ungoverned'");
        stderr.Should().Contain("has no governance metadata").And.Contain("[GovernedTool(");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task ServeTools_MissingAssembly_ExitCode2OneLine_NoDataFolderCreated()
    {
        var missing = Path.Combine(_folder, "missing", "Tools.dll");
        var data = Path.Combine(_folder, "data");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--tools", missing, "--data", data]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, $"the tools assembly {missing} does not exist");
        stdout.Should().BeEmpty();
        Directory.Exists(data).Should().BeFalse("a bad option changes nothing");
    }

    [Fact]
    public async Task ServeTools_NotAnAssembly_ExitCode2OneLine()
    {
        var text = Path.Combine(_folder, "tools.dll");
        await File.WriteAllTextAsync(text, "not a .NET assembly");

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--tools", text, "--data", Path.Combine(_folder, "data")]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "cannot be loaded: it is not a .NET assembly");
    }

    public void Dispose() => TempFolder.Delete(_folder);

    // Initializes, sends the requests (ids 2, 3, ...), waits for every answer, then closes stdin: answers by id.
    private static async Task<Dictionary<int, JsonElement>> StdioSessionAsync(
        string[] arguments, IDictionary<string, string?>? environment, params string[] requests)
    {
        using var server = ServerProcess.Start(arguments, environment);
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        foreach (var request in requests)
        {
            await server.Input.WriteLineAsync(request);
        }

        await server.Input.FlushAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (Answers(server).Count < requests.Length + 1)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Only {Answers(server).Count} answers. stderr:\n{server.StandardError}");
            }

            await Task.Delay(50);
        }

        server.Input.Close();
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, server.StandardError);
        return Answers(server);
    }

    private static Dictionary<int, JsonElement> Answers(ServerProcess server) =>
        server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(m => m.TryGetProperty("id", out _))
            .ToDictionary(m => m.GetProperty("id").GetInt32());
}
