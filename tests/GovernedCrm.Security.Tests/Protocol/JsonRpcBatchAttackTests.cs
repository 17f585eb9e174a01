using System.Net;
using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Security.Tests.Fixtures;

namespace GovernedCrm.Security.Tests.Protocol;

/// <summary>
/// A client sends a JSON-RPC batch (an array of requests), which MCP 2025-06-18 removed. Before the defence the SDK
/// dropped it without a word, so the client waited for ever and the trail held nothing. Now it is refused with one
/// JSON-RPC error (-32600 Invalid Request, id null), over HTTP and over stdio; nothing in it runs, and the refusal is
/// a DENIED entry.
/// </summary>
public sealed class JsonRpcBatchAttackTests : IDisposable
{
    private const string Batch = """[{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"3001","properties":{"amount":2000},"reason":"r"}}},{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"3001"}}}]""";

    private readonly string _home = Directory.CreateTempSubdirectory("governedcrm-batch-").FullName;

    [Fact]
    public async Task BatchOverHttp_IsRefusedWithInvalidRequestAndAudited()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var session = await RawMcpHttp.OpenSessionAsync(http);
        var before = await CrmSnapshot.TakeAsync(server.Resources.Crm);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = await RawMcpHttp.PostAsync(http, Batch, session, timeout.Token);

        answer.Status.Should().Be(HttpStatusCode.BadRequest, answer.Body);
        AssertBatchRefusal(answer.Message);
        (await CrmSnapshot.TakeAsync(server.Resources.Crm)).Should().Be(before);
        AssertRefusalAudited(await server.AuditEntriesAsync());
    }

    [Fact]
    public async Task BatchOverStdio_IsRefusedWithInvalidRequestAndTheSessionGoesOn()
    {
        var data = Path.Combine(_home, "data");
        using var server = ServerProcess.Start(["--data", data]);
        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));

        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"attacker","version":"1"}}}""");
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await server.Input.WriteLineAsync("  " + Batch);
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"3001"}}}""");
        await server.Input.FlushAsync();
        var lines = await WaitForLinesAsync(server, 3);
        server.Terminate();
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, server.StandardError);

        lines.Should().HaveCount(3, "initialize, the batch refusal and the call after it are answered, nothing else");
        var messages = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        AssertBatchRefusal(messages.Single(m => m.TryGetProperty("error", out _)));
        messages.Should().ContainSingle(m => m.GetProperty("id").ValueKind == JsonValueKind.Number && m.GetProperty("id").GetInt32() == 2)
            .Which.GetRawText().Should().Contain("Acme Robotics", "the session goes on after the refusal");
        messages.Should().NotContain(m => m.GetProperty("id").ValueKind == JsonValueKind.Number && m.GetProperty("id").GetInt32() >= 11, "nothing in the batch ran");

        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(Path.Combine(data, "audit.db"), chain: null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        var refusal = AssertRefusalAudited(entries, alsoReceived: 1);
        refusal.Actor.Should().NotBeNullOrEmpty();
    }

    public void Dispose() => TempFolder.Delete(_home);

    private static void AssertBatchRefusal(JsonElement? message)
    {
        message.Should().NotBeNull();
        var m = message!.Value;
        m.GetProperty("jsonrpc").GetString().Should().Be("2.0");
        m.GetProperty("id").ValueKind.Should().Be(JsonValueKind.Null, "a refused batch has no single request id");
        m.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32600);
        m.GetProperty("error").GetProperty("message").GetString().Should().Contain("batch");
        m.GetProperty("error").GetProperty("data").GetProperty("code").GetString().Should().Be("protocol.batch_unsupported");
    }

    private static AuditRecord AssertRefusalAudited(List<AuditEntry> entries, int alsoReceived = 0)
    {
        var refusal = entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Denied).Subject.Record;
        refusal.Outcome.Should().Be("denied:protocol.batch_unsupported");
        refusal.Action.Should().Be(AuditActionType.Deny);
        refusal.Result.Should().Contain("protocol.batch_unsupported");
        entries.Where(e => e.Record.Event == AuditEventType.Received).Should().HaveCount(alsoReceived, "no request inside the batch was received as a call");
        entries.Should().NotContain(e => e.Record.Tool == "CRM.UpdateRecord", "the write inside the batch never ran");
        return refusal;
    }

    private static async Task<string[]> WaitForLinesAsync(ServerProcess server, int count)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (Lines(server).Length < count)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"No answer. stdout:\n{server.StandardOutput}\nstderr:\n{server.StandardError}");
            }

            await Task.Delay(50);
        }

        await Task.Delay(300); // Anything else the server would wrongly send arrives now.
        return Lines(server);
    }

    private static string[] Lines(ServerProcess server) => server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
