using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>
/// With a valid token the caller is the token's subject, whatever else the request says: the audit trail is
/// the witness (every entry of a call names its actor).
/// </summary>
public sealed class JwtIdentityTests : IDisposable
{
    private readonly TestIssuer _issuer = new();

    [Theory]
    [InlineData("/mcp", HttpTransportMode.StreamableHttp, "RS256")]
    [InlineData("/sse", HttpTransportMode.Sse, "RS256")]
    [InlineData("/mcp", HttpTransportMode.StreamableHttp, "ES256")]
    [InlineData("/mcp", HttpTransportMode.StreamableHttp, "PS256")]
    public async Task Mcp_ValidToken_ListsToolsAndReadsRecordAsTheSubject(string path, HttpTransportMode mode, string algorithm)
    {
        var signing = algorithm switch { "ES256" => _issuer.Es256, "PS256" => _issuer.Ps256, _ => _issuer.Rs256 };
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        await using var client = await server.ConnectAsync(path, mode, bearerToken: _issuer.Token("alice", signing: signing));

        var tools = await client.ListToolsAsync();
        var read = await CallAsync(client, "CRM.GetRecord", "read-1", new { objectType = "deal", recordId = "3001" });
        var entries = await server.AuditEntriesAsync();

        tools.Select(t => t.Name).Should().Contain("CRM.GetRecord").And.NotContain("Audit.VerifyChain");
        read.IsError.Should().NotBe(true, Text(read));
        read.StructuredContent!.Value.GetProperty("id").GetString().Should().Be("3001");
        entries.Should().HaveCount(3, "RECEIVED, PROPOSED and EXECUTED").And.OnlyContain(e => e.Record.Actor == "alice" && e.Record.Tenant == "default");
    }

    [Fact]
    public async Task ToolCall_ImpersonationAttempts_ActorIsAlwaysTheTokenSubject()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        using var http = server.CreateHttpClient(_issuer.Token("alice"));
        foreach (var header in (string[])["X-User", "X-Forwarded-User", "X-Remote-User", "X-MS-CLIENT-PRINCIPAL-NAME", "Remote-User"])
        {
            http.DefaultRequestHeaders.Add(header, "bob");
        }

        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, http: http);
        var meta = new JsonObject { ["user"] = "bob", ["userId"] = "bob", ["sub"] = "bob", ["actor"] = "bob", ["onBehalfOf"] = "bob" };

        var update = await CallAsync(client, "CRM.UpdateRecord", "imp-update", new
        {
            objectType = "deal",
            recordId = "3002",
            properties = new { dealname = "Renamed by bob?" },
            reason = "I am bob; act as user bob",
        }, meta);
        var extraArgument = await CallAsync(client, "CRM.GetRecord", "imp-extra", new { objectType = "deal", recordId = "3002", user = "bob", sub = "bob" }, meta);
        var entries = await server.AuditEntriesAsync();

        update.IsError.Should().NotBe(true, Text(update));
        extraArgument.IsError.Should().BeTrue("unknown arguments are refused by validation");
        entries.Should().NotBeEmpty().And.OnlyContain(e => e.Record.Actor == "alice", "headers, _meta and arguments never name the caller");
        ByCorrelation(entries).Keys.Should().BeEquivalentTo("imp-update", "imp-extra");
    }

    [Fact]
    public async Task ToolCalls_TwoClientsInterleaved_EachCallRunsAsItsOwnSubject()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        await using var alice = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("alice"));
        await using var bob = await server.ConnectAsync("/sse", HttpTransportMode.Sse, bearerToken: _issuer.Token("bob", signing: _issuer.Es256));

        var calls = new List<Task<CallToolResult>>();
        for (var i = 0; i < 6; i++)
        {
            var deal = (3010 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            calls.Add(CallAsync(alice, "CRM.UpdateRecord", $"alice-{i}", new { objectType = "deal", recordId = deal, properties = new { dealname = $"alice-{i}" }, reason = "r" }));
            calls.Add(CallAsync(bob, "CRM.GetRecord", $"bob-{i}", new { objectType = "deal", recordId = deal }));
        }

        var results = await Task.WhenAll(calls);
        var entries = await server.AuditEntriesAsync();

        results.Should().OnlyContain(r => r.IsError != true);
        var byCall = ByCorrelation(entries);
        byCall.Should().HaveCount(12);
        foreach (var (correlation, callEntries) in byCall)
        {
            var expected = correlation.Split('-')[0];
            callEntries.Select(e => e.Record.Event).Should().Contain([AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed]);
            callEntries.Should().OnlyContain(e => e.Record.Actor == expected, $"call {correlation} was made with {expected}'s token");
        }
    }

    [Fact]
    public async Task Session_OtherUsersTokenWithTheSessionId_RefusedAndNothingRuns()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        await using var alice = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, protocolVersion: "2025-11-25", bearerToken: _issuer.Token("alice"));
        using var http = server.CreateHttpClient(_issuer.Token("bob"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"3004","properties":{"owner":"bob"},"reason":"hijack"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("Mcp-Session-Id", alice.SessionId);
        request.Headers.Add("MCP-Protocol-Version", alice.NegotiatedProtocolVersion);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);
        var entries = await server.AuditEntriesAsync();

        alice.SessionId.Should().NotBeNullOrEmpty();
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a session belongs to the subject that started it");
        entries.Should().BeEmpty("bob's request never reached the session");
    }

    [Fact]
    public async Task ToolCall_TenantAndRolesClaims_MapToTheCaller()
    {
        var settings = _issuer.Settings(new Dictionary<string, string>
        {
            ["GOVERNEDCRM_JWT_TENANT_CLAIM"] = "org",
            ["GOVERNEDCRM_JWT_ROLES_CLAIM"] = "groups",
        });
        await using var server = await HttpTestServer.StartAsync(settings);
        var token = _issuer.Token("carol", new Dictionary<string, object>
        {
            ["org"] = "northwind",
            ["groups"] = new[] { "rep", "admin" },
            ["tenant"] = "default",
            ["roles"] = "nothing",
        });
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: token);

        var tools = await client.ListToolsAsync();
        await CallAsync(client, "CRM.SearchRecords", "carol-1", new { objectType = "deal" });
        var entries = await server.AuditEntriesAsync();

        tools.Select(t => t.Name).Should().Contain("Audit.VerifyChain", "the admin role came from the configured roles claim (a JSON array)");
        entries.Should().NotBeEmpty().And.OnlyContain(e => e.Record.Actor == "carol" && e.Record.Tenant == "northwind");
    }

    [Fact]
    public async Task ToolCall_TokenWithoutTenant_DefaultTenantAndSpaceSeparatedRoles()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp,
            bearerToken: _issuer.Token("dave", new Dictionary<string, object> { ["roles"] = "rep admin" }));

        var tools = await client.ListToolsAsync();
        await CallAsync(client, "CRM.GetRecord", "dave-1", new { objectType = "deal", recordId = "3001" });
        var entries = await server.AuditEntriesAsync();

        tools.Select(t => t.Name).Should().Contain("Audit.VerifyChain");
        entries.Should().NotBeEmpty().And.OnlyContain(e => e.Record.Actor == "dave" && e.Record.Tenant == "default");
    }

    public void Dispose() => _issuer.Dispose();

    private static Task<CallToolResult> CallAsync(McpClient client, string tool, string correlationId, object arguments, JsonObject? meta = null)
    {
        var callMeta = meta?.DeepClone().AsObject() ?? [];
        callMeta["correlationId"] = correlationId;
        return client.CallToolAsync(new CallToolRequestParams
        {
            Name = tool,
            Arguments = JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
            Meta = callMeta,
        }).AsTask();
    }

    /// <summary>The entries of each call, by the correlation id it was sent with (RECEIVED entries joined by execution id).</summary>
    private static Dictionary<string, List<AuditEntry>> ByCorrelation(List<AuditEntry> entries)
    {
        var correlationOf = entries
            .Where(e => e.Record.CorrelationId is not null)
            .GroupBy(e => e.Record.ExecutionId)
            .ToDictionary(g => g.Key, g => g.First().Record.CorrelationId!);
        entries.Should().OnlyContain(e => correlationOf.ContainsKey(e.Record.ExecutionId), "every entry belongs to a call the test made");
        return entries.GroupBy(e => correlationOf[e.Record.ExecutionId]).ToDictionary(g => g.Key, g => g.ToList());
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
