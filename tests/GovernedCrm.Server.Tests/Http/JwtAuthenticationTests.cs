using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GovernedCrm.Hosting;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.Client;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>
/// <c>serve --http --jwt-issuer …</c>: requests without a valid token get a 401 pointing to the protected
/// resource metadata, and never reach MCP (no audit entry, no change).
/// </summary>
public sealed class JwtAuthenticationTests : IDisposable
{
    /// <summary>The in-memory test server is reached as http://localhost.</summary>
    private const string ExpectedChallenge = "Bearer resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/mcp\"";

    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""";

    private const string UpdateDeal =
        """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"3002","properties":{"amount":4242},"reason":"r"}}}""";

    private readonly TestIssuer _issuer = new();

    public static TheoryData<string> RejectedTokens =>
    [
        "wrong-audience", "audience-with-trailing-slash", "wrong-issuer", "expired", "not-yet-valid", "no-expiry", "bad-signature", "unknown-key-id",
        "tampered-payload", "alg-none", "alg-hs256-with-public-key", "alg-rs384", "no-sub", "not-a-jwt",
    ];

    [Theory]
    [InlineData("POST", "/mcp")]
    [InlineData("GET", "/mcp")]
    [InlineData("DELETE", "/mcp")]
    [InlineData("GET", "/sse")]
    [InlineData("POST", "/message?sessionId=abc")]
    public async Task Request_NoToken_401WithResourceMetadataChallenge(string method, string path)
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());

        using var response = await SendAsync(server, new HttpMethod(method), path, token: null, method == "POST" ? Initialize : null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.GetValues("WWW-Authenticate").Should().Equal(ExpectedChallenge);
    }

    [Fact]
    public async Task ResourceMetadata_WellKnownPath_ResourceIsAudienceAndIssuerIsTheAuthorizationServer()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/.well-known/oauth-protected-resource/mcp", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var root = document.RootElement;
        root.GetProperty("resource").GetString().Should().Be(TestIssuer.Audience);
        root.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()).Should().Equal(TestIssuer.Issuer);
        root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()).Should().Equal("header");
        root.GetProperty("resource_name").GetString().Should().Be("GovernedCrm");
    }

    [Fact]
    public async Task ResourceMetadata_ExplicitAudience_IsTheResource()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings(audience: "https://crm.example.com/mcp"));
        using var http = server.CreateHttpClient();

        var json = await http.GetStringAsync(new Uri("/.well-known/oauth-protected-resource/mcp", UriKind.Relative));

        JsonDocument.Parse(json).RootElement.GetProperty("resource").GetString().Should().Be("https://crm.example.com/mcp");
    }

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task ToolCall_RejectedToken_401AndNoToolRuns(string kind)
    {
        var token = Make(kind);
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());

        using var initialize = await SendAsync(server, HttpMethod.Post, "/mcp", token, Initialize);
        using var call = await SendAsync(server, HttpMethod.Post, "/mcp", token, UpdateDeal);

        initialize.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        call.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        call.Headers.GetValues("WWW-Authenticate").Should().Equal(ExpectedChallenge);
        (await server.AuditEntriesAsync()).Should().BeEmpty("a rejected request never reaches MCP, so not even a RECEIVED entry is written");
        (await DealVersionAsync(server)).Should().Be(1, "the update never ran");
    }

    [Fact]
    public async Task ToolCall_TokenInQueryStringOrOtherScheme_401()
    {
        var token = _issuer.Token("alice");
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        using var http = server.CreateHttpClient();

        using var query = await http.PostAsync(new Uri($"/mcp?access_token={token}", UriKind.Relative), Json(Initialize));
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = Json(Initialize) };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + token)));
        using var basicResponse = await http.SendAsync(basic);

        query.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        basicResponse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ToolCall_ExpiredWithinClockSkew_Accepted()
    {
        var token = _issuer.Token("alice", expires: DateTime.UtcNow.AddSeconds(-5), notBefore: DateTime.UtcNow.AddMinutes(-5));
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());

        using var response = await SendAsync(server, HttpMethod.Post, "/mcp", token, Initialize);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "30 s of clock skew are allowed");
    }

    [Fact]
    public async Task ToolCall_KeysFromIssuerDiscovery_ValidTokenAcceptedForeignKeyRejected()
    {
        await using var discovery = await DiscoveryIssuer.StartAsync(_issuer.JwksJson);
        var settings = JwtSettings.Resolve(new JwtOptions(discovery.Issuer, null, null), HttpServer.DefaultUrls, _ => null)!;
        await using var server = await HttpTestServer.StartAsync(settings);

        using var foreign = await SendAsync(server, HttpMethod.Post, "/mcp", _issuer.Token("mallory", issuer: discovery.Issuer, signing: TestIssuer.Foreign()), Initialize);
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("alice", issuer: discovery.Issuer, signing: _issuer.Es256));
        var tools = await client.ListToolsAsync();

        foreign.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        tools.Should().NotBeEmpty();
        discovery.DiscoveryRequests.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task ToolCall_IssuerDiscoveryUnreachable_401NotServerError()
    {
        string issuer;
        await using (var gone = await DiscoveryIssuer.StartAsync(_issuer.JwksJson))
        {
            issuer = gone.Issuer;
        }

        var settings = JwtSettings.Resolve(new JwtOptions(issuer, null, null), HttpServer.DefaultUrls, _ => null)!;
        await using var server = await HttpTestServer.StartAsync(settings);

        using var response = await SendAsync(server, HttpMethod.Post, "/mcp", _issuer.Token("alice", issuer: issuer), Initialize);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await server.AuditEntriesAsync()).Should().BeEmpty();
    }

    public void Dispose() => _issuer.Dispose();

    private string Make(string kind)
    {
        var now = DateTime.UtcNow;
        return kind switch
        {
            "wrong-audience" => _issuer.Token("alice", audience: "http://127.0.0.1:5181/mcp"),
            "audience-with-trailing-slash" => _issuer.Token("alice", audience: TestIssuer.Audience + "/"),
            "wrong-issuer" => _issuer.Token("alice", issuer: "https://evil.test/realm"),
            "expired" => _issuer.Token("alice", expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-65)),
            "not-yet-valid" => _issuer.Token("alice", notBefore: now.AddMinutes(10), expires: now.AddHours(1)),
            "no-expiry" => _issuer.Token("alice", withExpiry: false),
            "bad-signature" => _issuer.Token("alice", signing: TestIssuer.Foreign(TestIssuer.RsaKeyId)),
            "unknown-key-id" => _issuer.Token("alice", signing: TestIssuer.Foreign()),
            "tampered-payload" => Tampered(),
            "alg-none" => TestIssuer.Unsigned("alice"),
            "alg-hs256-with-public-key" => _issuer.Token("alice", signing: _issuer.Hs256WithPublicKey),
            "alg-rs384" => _issuer.Token("alice", signing: _issuer.Rs384),
            "no-sub" => _issuer.Token(null, new Dictionary<string, object> { ["preferred_username"] = "alice" }),
            "not-a-jwt" => "alice",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>Alice's valid signature over a payload that says bob.</summary>
    private string Tampered()
    {
        var alice = _issuer.Token("alice").Split('.');
        var bob = _issuer.Token("bob").Split('.');
        return $"{alice[0]}.{bob[1]}.{alice[2]}";
    }

    private async Task<long> DealVersionAsync(HttpTestServer server)
    {
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("auditor"));
        var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3002" });
        return read.StructuredContent!.Value.GetProperty("version").GetInt64();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpTestServer server, HttpMethod method, string path, string? token, string? body)
    {
        using var http = server.CreateHttpClient(token);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
