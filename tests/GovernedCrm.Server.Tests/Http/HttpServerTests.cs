using System.Net;
using System.Text;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Server.Tests.Http;

public sealed class HttpServerTests
{
    [Theory]
    [InlineData("/mcp", HttpTransportMode.StreamableHttp)]
    [InlineData("/sse", HttpTransportMode.Sse)]
    public async Task Mcp_OverHttpTransport_UpdateVisibleInNextRead(string path, HttpTransportMode mode)
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var client = await server.ConnectAsync(path, mode);

        var tools = await client.ListToolsAsync();
        var update = await client.CallToolAsync("CRM.UpdateRecord", new Dictionary<string, object?>
        {
            ["objectType"] = "deal",
            ["recordId"] = "3002",
            ["properties"] = new Dictionary<string, object?> { ["amount"] = 4321 },
            ["reason"] = "http test",
        });
        var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3002" });

        tools.Select(t => t.Name).Should().BeEquivalentTo("CRM.SearchRecords", "CRM.GetRecord", "CRM.UpdateRecord", "CRM.CreateContact", "CRM.GetProposal");
        update.IsError.Should().NotBe(true, Text(update));
        read.StructuredContent!.Value.GetProperty("properties").GetProperty("amount").GetDecimal().Should().Be(4321m);
    }

    [Fact]
    public async Task Mcp_StreamableHttpInitializeClient_GetsStatefulSessionForElicitation()
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, protocolVersion: "2025-11-25");

        client.SessionId.Should().NotBeNullOrEmpty("the server runs StatefulForInitializeClients so it can send requests to initialize-handshake clients");
        (await client.ListToolsAsync()).Should().HaveCount(5, "a rep is given the four CRM tools and CRM.GetProposal");
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("attacker.test:5180")]
    public async Task Post_ForeignHostHeader_RejectedAgainstDnsRebinding(string host)
    {
        (await InitializeWithHostAsync(host)).Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:5180")]
    public async Task Post_LoopbackHostHeader_Accepted(string host)
    {
        (await InitializeWithHostAsync(host)).Should().Be(HttpStatusCode.OK);
    }

    private static async Task<HttpStatusCode> InitializeWithHostAsync(string host)
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
