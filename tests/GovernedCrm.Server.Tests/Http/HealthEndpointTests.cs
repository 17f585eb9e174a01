using System.Net;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>
/// /healthz and /readyz on the real HTTP host: status only, no token needed even when MCP requires one, not audited,
/// and /readyz turns not-ready when the audit database cannot take writes.
/// </summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly TestIssuer _issuer = new();

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Probe_WithoutToken_WhileMcpNeedsOne_AnswersHealthyAndNothingElse(string path)
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy", "the probe reveals the status only");
        using var initialize = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"probe","version":"1"}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        initialize.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var mcp = await http.SendAsync(initialize);
        mcp.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the MCP endpoint still needs a token");
    }

    [Fact]
    public async Task Probes_AreNotAudited()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var before = (await server.AuditEntriesAsync()).Count;

        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync("/healthz")).EnsureSuccessStatusCode();
            (await http.GetAsync("/readyz")).EnsureSuccessStatusCode();
        }

        (await server.AuditEntriesAsync()).Should().HaveCount(before);
    }

    [Fact]
    public async Task Ready_WhenTheAuditDatabaseCannotBeWritten_IsUnhealthyWhileLiveStaysHealthy()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        (await http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var database = server.AuditDatabasePath;
        var moved = database + ".moved";

        // Made unwritable in a way that holds for root too: CI runs as root, and root ignores file modes, so chmod 0444
        // would leave the file writable there (and a read-only mount needs privileges a test does not have). So audit.db
        // is replaced by a directory, which nobody can open as a database: the probe's read-write open fails as a
        // read-only file's would for any other user. The server's writer keeps its open handle on the moved file.
        File.Move(database, moved);
        Directory.CreateDirectory(database);
        try
        {
            using var notReady = await http.GetAsync("/readyz");
            using var live = await http.GetAsync("/healthz");

            notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await notReady.Content.ReadAsStringAsync()).Should().Be("Unhealthy", "the probe reveals the status only, not the path or the error");
            live.StatusCode.Should().Be(HttpStatusCode.OK, "the process still serves: liveness does not depend on the store");
        }
        finally
        {
            Directory.Delete(database);
            File.Move(moved, database);
        }

        (await http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK, "ready again once the database is back");
    }

    public void Dispose() => _issuer.Dispose();
}
