using System.Net;
using System.Text;
using ModelContextProtocol.Client;

namespace GovernedCrm.Security.Tests.Http;

/// <summary>
/// Token audience. A token the issuer minted for another resource whose URL differs from this server's only by a
/// trailing slash (or case, or a path below it) is not for this server: <c>aud</c> is compared exactly, so the
/// request gets 401 and never reaches MCP (no audit entry, no CRM change). IdentityModel's default would accept
/// the trailing-slash variant.
/// </summary>
public sealed class AudienceAttackTests : IDisposable
{
    private const string UpdateDeal =
        """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"3002","properties":{"amount":4242},"reason":"r"}}}""";

    private readonly TestIssuer _issuer = new();

    [Theory]
    [InlineData(TestIssuer.Audience + "/")]
    [InlineData("HTTP://127.0.0.1:5180/MCP")]
    [InlineData(TestIssuer.Audience + "/x")]
    [InlineData("http://127.0.0.1:5180")]
    public async Task ToolCall_AudienceNotExactlyTheResource_401AndNothingRuns(string audience)
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        using var http = server.CreateHttpClient(_issuer.Token("alice", audience: audience));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(UpdateDeal, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await server.AuditEntriesAsync()).Should().BeEmpty("a rejected token never reaches MCP");
        (await DealAmountAsync(server)).Should().NotBe(4242m);
    }

    [Fact]
    public async Task ToolCall_ConfiguredAudienceWithSlash_OnlyThatExactAudienceAccepted()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings(audience: "https://crm.example.com/mcp/"));

        await using var exact = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp,
            bearerToken: _issuer.Token("auditor", audience: "https://crm.example.com/mcp/"));
        var withoutSlash = async () => await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp,
            bearerToken: _issuer.Token("auditor", audience: "https://crm.example.com/mcp"));

        (await exact.ListToolsAsync()).Should().NotBeEmpty();
        await withoutSlash.Should().ThrowAsync<HttpRequestException>();
    }

    public void Dispose() => _issuer.Dispose();

    private async Task<decimal> DealAmountAsync(HttpTestServer server)
    {
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("auditor"));
        var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3002" });
        return read.StructuredContent!.Value.GetProperty("properties").GetProperty("amount").GetDecimal();
    }
}
