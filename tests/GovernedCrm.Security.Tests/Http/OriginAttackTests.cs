using System.Net;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;

namespace GovernedCrm.Security.Tests.Http;

/// <summary>
/// Cross-site calls from a browser. A page on another origin (an attacker's site, a sandboxed frame) makes the
/// user's browser send MCP requests to the server on 127.0.0.1: the Host header is the server's own, so only the
/// <c>Origin</c> header tells the request apart. The server answers 403 with a JSON-RPC error and runs nothing:
/// no audit entry, no CRM change. Requests without Origin (non-browser clients), from the server's own origin and
/// from an origin in <c>--allowed-origins</c> are served.
/// </summary>
public sealed class OriginAttackTests
{
    private const string UpdateDeal =
        """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"3002","properties":{"amount":4242},"reason":"r"}}}""";

    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""";

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1:5181")]
    [InlineData("http://localhost.evil.example:5180")]
    [InlineData("http://127.0.0.1:5180/mcp")]
    [InlineData("null")]
    public async Task ToolCall_ForeignOrigin_403JsonRpcErrorAndNothingRuns(string origin)
    {
        await using var server = await HttpTestServer.StartAsync();

        using var initialize = await SendAsync(server, HttpMethod.Post, "/mcp", origin, Initialize);
        using var call = await SendAsync(server, HttpMethod.Post, "/mcp", origin, UpdateDeal);

        initialize.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        call.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        call.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var body = JsonDocument.Parse(await call.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("jsonrpc").GetString().Should().Be("2.0");
        body.RootElement.GetProperty("id").ValueKind.Should().Be(JsonValueKind.Null);
        var error = body.RootElement.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32600);
        error.GetProperty("message").GetString().Should().StartWith("http.origin_refused: ");
        error.GetProperty("data").GetProperty("code").GetString().Should().Be("http.origin_refused");
        (await server.AuditEntriesAsync()).Should().BeEmpty("a refused Origin never reaches MCP, so nothing is received or run");
        (await DealAmountAsync(server)).Should().NotBe(4242m, "the update never ran");
    }

    [Theory]
    [InlineData("GET", "/sse")]
    [InlineData("POST", "/message?sessionId=abc")]
    [InlineData("GET", "/mcp")]
    [InlineData("DELETE", "/mcp")]
    public async Task LegacySseAndSessionRequests_ForeignOrigin_403(string method, string path)
    {
        await using var server = await HttpTestServer.StartAsync();

        using var response = await SendAsync(server, new HttpMethod(method), path, "https://evil.example", method == "POST" ? UpdateDeal : null);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await server.AuditEntriesAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("/sse", HttpTransportMode.Sse)]
    [InlineData("/mcp", HttpTransportMode.StreamableHttp)]
    public async Task McpClient_ForeignOrigin_CannotConnect(string path, HttpTransportMode mode)
    {
        await using var server = await HttpTestServer.StartAsync();
        var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("Origin", "https://evil.example");

        var connect = async () => await server.ConnectAsync(path, mode, http: http);

        await connect.Should().ThrowAsync<Exception>();
        (await server.AuditEntriesAsync()).Should().BeEmpty();
        http.Dispose();
    }

    [Theory]
    [InlineData(null, "/mcp", HttpTransportMode.StreamableHttp)]
    [InlineData(null, "/sse", HttpTransportMode.Sse)]
    [InlineData("http://127.0.0.1:5180", "/mcp", HttpTransportMode.StreamableHttp)]
    [InlineData("http://127.0.0.1:5180", "/sse", HttpTransportMode.Sse)]
    [InlineData("HTTP://127.0.0.1:5180", "/mcp", HttpTransportMode.StreamableHttp)]
    public async Task McpClient_AbsentOrSameOrigin_ServedAndAudited(string? origin, string path, HttpTransportMode mode)
    {
        await using var server = await HttpTestServer.StartAsync();

        var amount = await UpdateWithOriginAsync(server, origin, path, mode);

        amount.Should().Be(4242m);
        (await server.AuditEntriesAsync()).Should().NotBeEmpty();
    }

    [Fact]
    public async Task McpClient_AllowListedOrigin_ServedOthersStillRefused()
    {
        await using var server = await HttpTestServer.StartAsync(allowedOrigins: "https://app.example.com; http://localhost:6274");

        var amount = await UpdateWithOriginAsync(server, "http://localhost:6274", "/mcp", HttpTransportMode.StreamableHttp);
        using var other = await SendAsync(server, HttpMethod.Post, "/mcp", "https://app.example.com.evil.example", Initialize);
        using var wrongScheme = await SendAsync(server, HttpMethod.Post, "/mcp", "http://app.example.com", Initialize);

        amount.Should().Be(4242m);
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        wrongScheme.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private static async Task<decimal> UpdateWithOriginAsync(HttpTestServer server, string? origin, string path, HttpTransportMode mode)
    {
        var http = server.CreateHttpClient();
        if (origin is not null)
        {
            http.DefaultRequestHeaders.Add("Origin", origin);
        }

        await using var client = await server.ConnectAsync(path, mode, http: http);
        var update = await client.CallToolAsync("CRM.UpdateRecord", new Dictionary<string, object?>
        {
            ["objectType"] = "deal",
            ["recordId"] = "3002",
            ["properties"] = new Dictionary<string, object?> { ["amount"] = 4242 },
            ["reason"] = "origin test",
        });
        update.IsError.Should().NotBe(true);
        await client.DisposeAsync();
        http.Dispose();
        return await DealAmountAsync(server);
    }

    private static async Task<decimal> DealAmountAsync(HttpTestServer server)
    {
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp);
        var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3002" });
        return read.StructuredContent!.Value.GetProperty("properties").GetProperty("amount").GetDecimal();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpTestServer server, HttpMethod method, string path, string origin, string? body)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("Origin", origin);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
