using System.Net;
using System.Text;

namespace GovernedCrm.Security.Tests.Http;

/// <summary>
/// Held defence: DNS rebinding. A web page on an attacker's domain that resolves to 127.0.0.1 sends requests whose
/// Host header names the attacker's domain; the server answers 400 and runs nothing, so no audit entry and no CRM
/// change can follow.
/// </summary>
public sealed class HostHeaderAttackTests
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("attacker.test:5180")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task ForeignHostHeader_IsRefusedBeforeAnythingRuns(string host)
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"CRM.GetRecord","arguments":{"objectType":"contact","recordId":"1001"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await server.AuditEntriesAsync()).Should().BeEmpty("a refused Host never reaches the MCP handler, so nothing is received or run");
    }
}
