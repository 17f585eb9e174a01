using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Server.Tests.Http;
using ModelContextProtocol.Client;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// <c>governed-crm serve --http</c> with and without <c>--jwt-issuer</c>, as a real process: configuration
/// errors end with one line and exit code 2 before the data folder is touched; a served process answers 401
/// with the metadata challenge on its real address and runs a valid token's calls as its subject.
/// </summary>
public sealed class HttpAuthenticationProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-jwt-process-").FullName;
    private readonly TestIssuer _issuer = new();

    private string Data => Path.Combine(_folder, "data");

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("""{"kid":"x"}""", "not a JWKS document")]
    [InlineData("""{"keys":[]}""", "has no RSA or EC signing key")]
    [InlineData("""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}""", "has no RSA or EC signing key")]
    [InlineData("""{"keys":[{"kty":"RSA","kid":"half","n":"AQAB"}]}""", "key 'half' is not a valid RSA public key")]
    [InlineData("""{"keys":[{"kty":"oct","kid":"shared","k":"c2VjcmV0"}]}""", "key 'shared' holds private or secret key material")]
    public async Task ServeHttp_InvalidJwksFile_ExitCode2OneLineNamingTheFile(string content, string problem)
    {
        var file = Path.Combine(_folder, "keys.json");
        await File.WriteAllTextAsync(file, content);

        var (code, stdout, stderr) = await ServerProcess.RunAsync(Serve("--jwt-issuer", TestIssuer.Issuer, "--jwt-keys", file));

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, $"--jwt-keys {file}: {problem}");
        stdout.Should().BeEmpty();
        Directory.Exists(Data).Should().BeFalse("a bad option stops the server before it creates the data folder");
    }

    [Fact]
    public async Task ServeHttp_JwksFileWithPrivateRsaKey_ExitCode2()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        var file = Path.Combine(_folder, "private.json");
        await File.WriteAllTextAsync(file, TestIssuer.Jwks(TestIssuer.RsaJwk(rsa, "leaked").TrimEnd('}') + $",\"d\":\"{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.D)}\"}}"));

        var (code, _, stderr) = await ServerProcess.RunAsync(Serve("--jwt-issuer", TestIssuer.Issuer, "--jwt-keys", file));

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "key 'leaked' holds private or secret key material");
    }

    [Fact]
    public async Task ServeHttp_MissingJwksFileFromEnvironment_ExitCode2NamingVariableAndFile()
    {
        var file = Path.Combine(_folder, "missing.json");

        var (code, _, stderr) = await ServerProcess.RunAsync(
            Serve(),
            new Dictionary<string, string?> { ["GOVERNEDCRM_JWT_ISSUER"] = TestIssuer.Issuer, ["GOVERNEDCRM_JWT_KEYS"] = file });

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, $"GOVERNEDCRM_JWT_KEYS {file}: cannot read the file");
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://127.0.0.1:0;http://crm.example.test:0")]
    public async Task ServeHttp_NonLoopbackWithoutIssuer_ExitCode2AskingForAnIssuer(string urls)
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--http", "--urls", urls, "--data", Data]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "is not loopback and no token issuer is configured");
        stderr.Should().Contain("--jwt-issuer");
        Directory.Exists(Data).Should().BeFalse();
    }

    [Theory]
    [InlineData("/realm")]
    [InlineData("realm")]
    [InlineData("ftp://issuer.test/realm")]
    [InlineData("https://issuer.test/realm?x=1")]
    public async Task ServeHttp_IssuerNotAnAbsoluteHttpUrl_ExitCode2(string issuer)
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(Serve("--jwt-issuer", issuer, "--jwt-keys", _issuer.JwksFile));

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, $"--jwt-issuer '{issuer}' is not an absolute http(s) URL");
    }

    [Fact]
    public async Task ServeHttp_IssuerFromEnvironmentRelative_ExitCode2NamingTheVariable()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(Serve(), new Dictionary<string, string?> { ["GOVERNEDCRM_JWT_ISSUER"] = "realm" });

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "GOVERNEDCRM_JWT_ISSUER 'realm' is not an absolute http(s) URL");
    }

    [Fact]
    public async Task ServeHttp_PlainHttpRemoteIssuerWithoutKeys_ExitCode2()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(Serve("--jwt-issuer", "http://issuer.test/realm"));

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "is plain HTTP");
    }

    [Fact]
    public async Task ServeHttp_AudienceWithoutIssuer_ExitCode2()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(Serve("--jwt-audience", "https://crm.example.com/mcp"));

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "--jwt-audience needs an issuer");
    }

    [Fact]
    public async Task ServeHttp_WildcardUrlsWithoutAudience_ExitCode2AskingForTheAudience()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(
            ["serve", "--http", "--urls", "http://0.0.0.0:0", "--jwt-issuer", TestIssuer.Issuer, "--jwt-keys", _issuer.JwksFile, "--data", Data]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "cannot derive the token audience");
        stderr.Should().Contain("--jwt-audience");
    }

    [Fact]
    public async Task Serve_JwtOptionWithoutHttp_ExitCode2()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--jwt-issuer", TestIssuer.Issuer, "--data", Data]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "apply to --http only");
    }

    [Fact]
    public async Task ServeHttp_NoIssuerOnLoopback_WarnsThatEveryCallerIsTheLocalUser()
    {
        using var server = ServerProcess.Start(["serve", "--http", "--urls", "http://127.0.0.1:0", "--data", Data], new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "tester" });

        await server.WaitForStderrAsync("HTTP without authentication: every caller acts as the local user tester", TimeSpan.FromSeconds(60));
        server.Terminate();

        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
    }

    [Fact]
    public async Task ServeHttp_WithIssuer_401OnRealAddressAndValidTokenCallsAsSubject()
    {
        var (server, baseUrl) = await StartWithIssuerAsync();
        using var _ = server;
        var token = _issuer.Token("alice", audience: baseUrl + "/mcp");
        var challenge = $"Bearer resource_metadata=\"{baseUrl}/.well-known/oauth-protected-resource/mcp\"";

        using var anonymous = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var noToken = await anonymous.PostAsync(new Uri("/mcp", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        using var badRequest = new HttpRequestMessage(HttpMethod.Get, "/sse");
        badRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _issuer.Token("mallory", audience: "http://127.0.0.1:1/mcp"));
        using var wrongAudience = await anonymous.SendAsync(badRequest);
        var metadata = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/.well-known/oauth-protected-resource/mcp", UriKind.Relative))).RootElement;

        using var authorized = new HttpClient();
        authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        authorized.DefaultRequestHeaders.Add("X-User", "bob");
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(baseUrl + "/mcp"), TransportMode = HttpTransportMode.StreamableHttp }, authorized);
        await using (var client = await McpClient.CreateAsync(transport))
        {
            (await client.ListToolsAsync()).Select(t => t.Name).Should().Contain("CRM.GetRecord");
            var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3001" });
            read.IsError.Should().NotBe(true);
        }

        server.Terminate();
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
        var entries = await ReadAuditAsync();

        noToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        noToken.Headers.GetValues("WWW-Authenticate").Should().Equal(challenge);
        wrongAudience.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        metadata.GetProperty("resource").GetString().Should().Be(baseUrl + "/mcp", "the default audience is the first --urls value + /mcp");
        metadata.GetProperty("authorization_servers")[0].GetString().Should().Be(TestIssuer.Issuer);
        entries.Should().HaveCount(3).And.OnlyContain(e => e.Record.Actor == "alice");
        server.StandardError.Should().Contain($"bearer token from {TestIssuer.Issuer} for audience {baseUrl}/mcp")
            .And.NotContain(token.Split('.')[2], "tokens are never logged");
    }

    public void Dispose()
    {
        _issuer.Dispose();
        TempFolder.Delete(_folder);
    }

    private string[] Serve(params string[] options) => ["serve", "--http", "--urls", "http://127.0.0.1:0", .. options, "--data", Data];

    private async Task<(ServerProcess Server, string BaseUrl)> StartWithIssuerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseUrl = $"http://127.0.0.1:{FreePort()}";
            var server = ServerProcess.Start(["serve", "--http", "--urls", baseUrl, "--jwt-issuer", TestIssuer.Issuer, "--jwt-keys", _issuer.JwksFile, "--data", Data]);
            try
            {
                await server.WaitForStderrAsync("serving MCP over HTTP", TimeSpan.FromSeconds(60));
                return (server, baseUrl);
            }
            catch (TimeoutException) when (attempt < 3 && server.StandardError.Contains("cannot listen", StringComparison.Ordinal))
            {
                // Another process took the port between the probe and the bind: try another.
                server.Dispose();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<List<AuditEntry>> ReadAuditAsync()
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(Path.Combine(Data, "audit.db"), chain: null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
