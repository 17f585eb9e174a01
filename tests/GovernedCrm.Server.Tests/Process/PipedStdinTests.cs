using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// `printf '<requests>' | governed-crm`: stdin holds every request and then ends at once. The server answers every
/// request it has read before it exits, rather than cancelling them when its input ends.
/// </summary>
public sealed class PipedStdinTests : IDisposable
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"printf","version":"1"}}}""";
    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";
    private const string ListTools = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";
    private const string GetDeal = """{"jsonrpc":"2.0","id":"deal","method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"3001"}}}""";

    private readonly TempFolder _folder = new("governedcrm-piped-");

    [Fact]
    public async Task Printf_InitializeInitializedToolsList_PrintsBothAnswersThenExits()
    {
        var (code, stdout, stderr) = await PipeAsync(Initialize, Initialized, ListTools);

        code.Should().Be(0, stderr);
        var answers = Answers(stdout);
        answers.Select(a => a.GetProperty("id").ToString()).Should().Equal(["1", "2"], "stdout:\n{0}\nstderr:\n{1}", stdout, stderr);
        answers[0].GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString().Should().NotBeNullOrEmpty();
        answers[1].GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())
            .Should().Contain("CRM.GetRecord");
    }

    [Fact]
    public async Task Printf_ToolCallAsLastLine_IsAnsweredAndAudited()
    {
        // The governed call is the last line, without a line end: it still runs through the pipeline and is answered.
        var (code, stdout, stderr) = await PipeAsync(Initialize, Initialized, GetDeal, finalNewLine: false);

        code.Should().Be(0, stderr);
        var deal = Answers(stdout).Should().ContainSingle(a => a.GetProperty("id").ToString() == "deal", "stdout:\n{0}\nstderr:\n{1}", stdout, stderr).Subject;
        deal.GetProperty("result").GetProperty("structuredContent").GetProperty("id").GetString().Should().Be("3001");
        var (exportCode, export, _) = await ServerProcess.RunAsync(["audit", "export", "--data", _folder.File("data")]);
        exportCode.Should().Be(0, export);
        export.Should().Contain("CRM.GetRecord").And.Contain("printf-user");
    }

    public void Dispose() => _folder.Dispose();

    private async Task<(int Code, string Stdout, string Stderr)> PipeAsync(string first, string second, string third, bool finalNewLine = true)
    {
        using var server = ServerProcess.Start(["--data", _folder.File("data")], new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "printf-user" });
        // All at once and then end of input, as a shell pipe delivers it.
        await server.Input.WriteAsync($"{first}\n{second}\n{third}{(finalNewLine ? "\n" : "")}");
        await server.Input.FlushAsync();
        server.Input.Close();
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, server.StandardOutput, server.StandardError);
    }

    private static List<JsonElement> Answers(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonDocument.Parse(l).RootElement)];
}
