using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// The CLI for scripts: under --json every error is one JSON object on stdout with code and message (exit codes
/// unchanged); verify --tenant with an unknown chain names the chains that exist; JSON argument errors are one sentence.
/// </summary>
public sealed class CliJsonTests : IDisposable
{
    private readonly TempFolder _folder = new("governedcrm-clijson-");

    private string Data => _folder.File("data");

    [Fact]
    public async Task Verify_UnknownTenant_ExitsTwoNamingTheChains()
    {
        await RecordOneCallAsync();

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["verify", "--tenant", "nosuch", "--data", Data]);
        var (jsonCode, json, _) = await ServerProcess.RunAsync(["verify", "--tenant", "nosuch", "--json", "--data", Data]);

        code.Should().Be(2, stdout);
        stderr.Trim().Should().Be("governed-crm: error: there is no audit chain for tenant 'nosuch'; chains: default");
        jsonCode.Should().Be(2);
        using var error = JsonDocument.Parse(json);
        error.RootElement.GetProperty("code").GetString().Should().Be("audit.unknown_chain");
        error.RootElement.GetProperty("message").GetString().Should().Contain("chains: default");
    }

    [Fact]
    public async Task Verify_KnownTenant_StillVerifies()
    {
        await RecordOneCallAsync();

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--tenant", "default", "--data", Data]);

        code.Should().Be(0, stdout);
    }

    [Fact]
    public async Task PolicyCheck_Json_ValidAndInvalid()
    {
        var bad = _folder.File("bad.yaml");
        await File.WriteAllTextAsync(bad, "rules: [unclosed\n");

        var (validCode, valid, _) = await ServerProcess.RunAsync(["policy", "check", "--json"]);
        var (invalidCode, invalid, _) = await ServerProcess.RunAsync(["policy", "check", bad, "--json"]);
        var (missingCode, missing, _) = await ServerProcess.RunAsync(["policy", "check", _folder.File("none.yaml"), "--json"]);

        validCode.Should().Be(0);
        JsonDocument.Parse(valid).RootElement.GetProperty("valid").GetBoolean().Should().BeTrue();
        invalidCode.Should().Be(1);
        JsonDocument.Parse(invalid).RootElement.GetProperty("code").GetString().Should().Be("policy.invalid");
        missingCode.Should().Be(2);
        JsonDocument.Parse(missing).RootElement.GetProperty("code").GetString().Should().Be("cli.error");
    }

    [Theory]
    [InlineData("{bad", "--args must be a JSON object such as {\"name\": \"value\"}; the text given is not valid JSON at line 1, column 2.")]
    [InlineData("[1]", "--args must be a JSON object such as {\"name\": \"value\"}, not an array.")]
    public async Task PolicyExplain_BadArgs_OnePlainSentence(string args, string sentence)
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["policy", "explain", "--user", "alice", "--tool", "CRM.GetRecord", "--args", args]);
        var (jsonCode, json, _) = await ServerProcess.RunAsync(["policy", "explain", "--user", "alice", "--tool", "CRM.GetRecord", "--args", args, "--json"]);

        code.Should().Be(2);
        stderr.Trim().Should().Be($"governed-crm: error: {sentence}");
        jsonCode.Should().Be(2);
        using var error = JsonDocument.Parse(json);
        error.RootElement.GetProperty("code").GetString().Should().Be("cli.invalid_json");
        error.RootElement.GetProperty("message").GetString().Should().Be(sentence);
    }

    [Fact]
    public async Task PolicyExplain_UnknownTool_Json_IsAnErrorObject()
    {
        var (code, json, _) = await ServerProcess.RunAsync(["policy", "explain", "--user", "alice", "--tool", "CRM.Nope", "--json"]);

        code.Should().Be(2);
        JsonDocument.Parse(json).RootElement.GetProperty("code").GetString().Should().Be("tool.unknown");
    }

    public void Dispose() => _folder.Dispose();

    private async Task RecordOneCallAsync()
    {
        using var server = ServerProcess.Start(["--data", Data]);
        await server.Input.WriteAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"cli","version":"1"}}}""" + "\n" +
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n" +
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"3001"}}}""" + "\n");
        server.Input.Close();
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, server.StandardError);
    }
}
