using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Hosting;
using GovernedCrm.Hosting.Connectors;
using GovernedCrm.Server.Tests.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>
/// The whole per-user CRM story over MCP (HTTP, bearer tokens, the C# SDK client) against a real OpenID provider and
/// a HubSpot contract double: a caller who is not connected gets the connect URL and nothing runs; connecting goes
/// through this server's /connect page (sign-in, same-user check, the CRM's authorize page with PKCE, the vault);
/// each call then runs with its caller's own token, never another's; an expired token is refreshed once for many
/// concurrent calls; a revoked grant asks the user to connect again; and no token ever shows up anywhere it should not.
/// </summary>
public sealed class RemoteCrmScenarioTests(RemoteCrmFixture fixture) : IClassFixture<RemoteCrmFixture>, IDisposable
{
    private readonly TestIssuer _issuer = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<string> _answers = [];
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task AliceAndBob_EachConnectAndRunAsThemselves_UnderInterleavedConcurrentCalls_AndNoTokenLeaks()
    {
        var alice = $"alice-{_suffix}";
        var bob = $"bob-{_suffix}";
        var contacts = Enumerable.Range(0, 50).Select(i => fixture.HubSpot.Seed("contacts", new Dictionary<string, string?>
        {
            ["email"] = $"c{i}-{_suffix}@example.test", ["firstname"] = $"First{i}", ["lastname"] = "Seeded",
        })).ToList();
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);

        // Alice's client declares URL elicitation: the first call is answered with -32042 and the connect URL.
        var completed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var aliceClient = await ConnectAsync(server, alice, urlElicitation: true, completed);
        var first = async () => await aliceClient.CallToolAsync("CRM.GetRecord", Args(new { objectType = "contact", recordId = contacts[0] }));
        var elicitation = (await first.Should().ThrowAsync<UrlElicitationRequiredException>()).Which.Elicitations.Should().ContainSingle().Subject;
        _answers.Add(elicitation.Url!);
        fixture.HubSpot.Calls.Should().NotContain(c => c.User == alice, "nothing runs before alice is connected");
        elicitation.Url.Should().StartWith("http://localhost/connect?id=").And.NotContain(alice);

        var connected = await browser.ConnectAsync(new Uri(elicitation.Url!), alice, alice);
        connected.StatusCode.Should().Be(HttpStatusCode.OK, await connected.Content.ReadAsStringAsync());
        (await completed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(elicitation.ElicitationId);

        var read = await CallAsync(aliceClient, "CRM.GetRecord", new { objectType = "contact", recordId = contacts[0] });
        read.IsError.Should().NotBe(true, Text(read));
        fixture.HubSpot.Calls.Should().Contain(c => c.User == alice && c.Path.EndsWith("/contacts/" + contacts[0], StringComparison.Ordinal));

        // Bob's client has no URL elicitation: a tool error names the connect URL, and nothing runs as anyone.
        await using var bobClient = await ConnectAsync(server, bob, urlElicitation: false, completed: null);
        var callsBefore = fixture.HubSpot.Calls.Count;
        var refused = await CallAsync(bobClient, "CRM.UpdateRecord", new { objectType = "contact", recordId = contacts[1], properties = new { firstname = "Bobbed" }, reason = "test" });
        refused.IsError.Should().BeTrue();
        var error = refused.StructuredContent!.Value.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code);
        fixture.HubSpot.Calls.Count.Should().Be(callsBefore, "bob's call never reaches the CRM, with anyone's token");

        var bobConnected = await browser.ConnectAsync(new Uri(error.GetProperty("connectUrl").GetString()!), bob, bob);
        bobConnected.StatusCode.Should().Be(HttpStatusCode.OK);

        // 50 interleaved concurrent writes: each runs with its own caller's token, checked at the double by introspection.
        var writes = Enumerable.Range(0, 50).Select(i =>
        {
            var (client, user) = i % 2 == 0 ? (aliceClient, alice) : (bobClient, bob);
            return (Record: contacts[i], User: user, Task: CallAsync(client, "CRM.UpdateRecord", new
            {
                objectType = "contact", recordId = contacts[i], properties = new { firstname = $"{user}-{i}" }, reason = "concurrency",
            }));
        }).ToList();
        await Task.WhenAll(writes.Select(w => w.Task));
        foreach (var (record, user, task) in writes)
        {
            (await task).IsError.Should().NotBe(true, Text(await task));
            fixture.HubSpot.Calls.Where(c => c.Method == "PATCH" && c.Path.EndsWith("/contacts/" + record, StringComparison.Ordinal))
                .Should().ContainSingle().Which.User.Should().Be(user);
            fixture.HubSpot.Store.Find("contacts", record)!.Fields["firstname"]!.GetValue<string>().Should().StartWith(user + "-");
        }

        // The CRM says alice's token expired: one refresh, one retry, and the call succeeds.
        var aliceToken = fixture.SeenTokens.Where(t => t.Value == alice).Select(t => t.Key).Single();
        fixture.HubSpot.RefuseToken(aliceToken);
        var afterExpiry = await CallAsync(aliceClient, "CRM.GetRecord", new { objectType = "contact", recordId = contacts[2] });
        afterExpiry.IsError.Should().NotBe(true, Text(afterExpiry));
        (await fixture.Idp.GetStatsAsync(alice)).GrantCount("refresh_token").Should().Be(1);

        // Bob's grant is revoked at the provider: his next call asks him to connect again.
        var secrets = await VaultSecretsAsync(server, RemoteCrmFixture.Provider, alice, bob);
        (await fixture.Idp.RevokeUserAsync(bob)).Should().BeGreaterThan(0);
        var revoked = await CallAsync(bobClient, "CRM.GetRecord", new { objectType = "contact", recordId = contacts[3] });
        revoked.IsError.Should().BeTrue();
        revoked.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code);
        var vault = await OpenVaultAsync(server);
        (await vault.ListAsync(bob, CancellationToken.None)).Should().ContainSingle().Which.Status.Should().Be(ConnectionStatus.NeedsReconnect);
        (await vault.ListAsync(alice, CancellationToken.None)).Should().ContainSingle().Which.Status.Should().Be(ConnectionStatus.Connected);

        // Leak canary: every access token the CRM saw and every refresh token in the vault, searched everywhere.
        secrets.AddRange(fixture.SeenTokens.Keys);
        secrets.Should().HaveCountGreaterThan(4);
        var audit = string.Join('\n', (await server.AuditEntriesAsync()).Select(e => JsonSerializer.Serialize(e.Record)));
        var files = RawFiles(server);
        foreach (var secret in secrets)
        {
            string.Join('\n', _answers).Should().NotContain(secret, "MCP responses never carry a token");
            _logs.Text.Should().NotContain(secret, "logs never carry a token, Trace and MSAL included");
            audit.Should().NotContain(secret, "the audit trail never carries a token");
            files.Should().NotContain(secret, "no database file holds a token in the clear");
        }

        _logs.Text.Should().Contain("Trace", "the capture saw Trace-level output");
    }

    [Fact]
    public async Task ABrowserSignedInAsSomeoneElse_IsRefused_AndNothingIsConnected()
    {
        var carol = $"carol-{_suffix}";
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);
        await using var client = await ConnectAsync(server, carol, urlElicitation: false, completed: null);
        var answer = await CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = "1001" });
        var url = new Uri(answer.StructuredContent!.Value.GetProperty("error").GetProperty("connectUrl").GetString()!);

        var refused = await browser.ConnectAsync(url, signInUser: $"mallory-{_suffix}", crmUser: $"mallory-{_suffix}");

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("different user");
        (await (await OpenVaultAsync(server)).ListAsync(carol, CancellationToken.None)).Should().BeEmpty();
        (await browser.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.NotFound, "the refused request is gone");
        var again = await CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = "1001" });
        again.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code);
    }

    [Fact]
    public async Task TwentyConcurrentCallsWhenTheTokenExpires_RefreshOnce_WithoutInvalidGrant()
    {
        var dave = $"dave-{_suffix}";
        var contact = fixture.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = $"d-{_suffix}@example.test" });
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);
        await using var client = await ConnectAsync(server, dave, urlElicitation: false, completed: null);
        await ConnectAccountAsync(browser, client, dave, "contact", contact);
        (await CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = contact })).IsError.Should().NotBe(true);
        fixture.HubSpot.RefuseToken(fixture.SeenTokens.Single(t => t.Value == dave).Key);

        var calls = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = contact })));

        calls.Should().OnlyContain(c => c.IsError != true);
        var stats = await fixture.Idp.GetStatsAsync(dave);
        stats.GrantCount("refresh_token").Should().Be(1);
        stats.RefreshFailures.Should().Be(0);
        stats.Errors.Should().NotContain(e => e.Error == "invalid_grant");
    }

    [Fact]
    public async Task ASalesforceTenant_ConnectsThroughMsal_AndItsCallsRunAsTheUser()
    {
        var nora = $"nora-{_suffix}";
        var contact = fixture.Salesforce.Seed("Contact", new System.Text.Json.Nodes.JsonObject
        {
            ["Email"] = $"sf-{_suffix}@example.test", ["FirstName"] = "Sf", ["LastName"] = "Contact",
        });
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);
        await using var client = await ConnectAsync(server, nora, urlElicitation: false, completed: null, tenant: "northwind");
        var answer = await CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = contact });
        var error = answer.StructuredContent!.Value.GetProperty("error");
        error.GetProperty("provider").GetString().Should().Be(RemoteCrmFixture.SalesforceProvider);

        var page = await browser.ConnectAsync(new Uri(error.GetProperty("connectUrl").GetString()!), nora, nora);
        page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
        var update = await CallAsync(client, "CRM.UpdateRecord", new { objectType = "contact", recordId = contact, properties = new { firstname = "Nora" }, reason = "salesforce" });
        var search = await CallAsync(client, "CRM.SearchRecords", new { objectType = "contact", query = $"sf-{_suffix}" });

        update.IsError.Should().NotBe(true, Text(update));
        update.StructuredContent!.Value.GetProperty("after").GetProperty("firstname").GetString().Should().Be("Nora");
        search.IsError.Should().NotBe(true, Text(search));
        fixture.Salesforce.Calls.Where(c => c.User == nora).Select(c => c.Method).Should().Contain(["GET", "PATCH"]);
        fixture.Salesforce.Calls.Should().NotContain(c => c.User != null && c.User != nora && c.Path.Contains(contact, StringComparison.Ordinal));
        fixture.Salesforce.Store.Find("Contact", contact)!.Fields["FirstName"]!.GetValue<string>().Should().Be("Nora");

        // MSAL's cache (access, refresh and ID tokens) never reaches an answer, a log line (MSAL's own included) or a file.
        var secrets = await VaultSecretsAsync(server, RemoteCrmFixture.SalesforceProvider, nora);
        secrets.Should().HaveCountGreaterThan(2);
        var files = RawFiles(server);
        foreach (var secret in secrets)
        {
            string.Join('\n', _answers).Should().NotContain(secret);
            _logs.Text.Should().NotContain(secret);
            files.Should().NotContain(secret);
        }

        _logs.Text.Should().Contain("GovernedCrm.OAuth.Msal", "MSAL's log was captured");
    }

    [Fact]
    public async Task AnApprovedChange_RunsAsItsRequester_NeverWithTheApproversCredentials()
    {
        var erin = $"erin-{_suffix}";
        var manager = $"mgr-{_suffix}";
        var deal = fixture.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = $"Deal {_suffix}", ["amount"] = "40000", ["dealstage"] = "appointmentscheduled" });
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);
        await using var requester = await ConnectAsync(server, erin, urlElicitation: false, completed: null);
        await ConnectAccountAsync(browser, requester, erin, "deal", deal);

        var proposed = await CallAsync(requester, "CRM.UpdateRecord", new { objectType = "deal", recordId = deal, properties = new { amount = 60000 }, reason = "bigger deal" });
        proposed.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("pending_approval", Text(proposed));
        var approvalId = proposed.StructuredContent!.Value.GetProperty("approvalId").GetString()!;
        fixture.HubSpot.Calls.Should().NotContain(c => c.Method == "PATCH" && c.Path.EndsWith("/deals/" + deal, StringComparison.Ordinal));

        // The manager has no HubSpot connection at all: approving needs none, and the change runs as erin.
        await using var approver = await ConnectAsync(server, manager, urlElicitation: false, completed: null, roles: "manager");
        var decided = await CallAsync(approver, "Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        decided.IsError.Should().NotBe(true, Text(decided));
        decided.StructuredContent!.Value.GetProperty("decisions")[0].GetProperty("status").GetString().Should().Be("executed", Text(decided));
        fixture.HubSpot.Calls.Where(c => c.Method == "PATCH" && c.Path.EndsWith("/deals/" + deal, StringComparison.Ordinal))
            .Should().ContainSingle().Which.User.Should().Be(erin);
        fixture.HubSpot.Calls.Should().NotContain(c => c.User == manager);
        fixture.HubSpot.Store.Find("deals", deal)!.Fields["amount"]!.ToString().Should().StartWith("60000");
    }

    [Fact]
    public async Task ATamperedOrMovedVaultRow_ReadsAsNotConnected_AndNoCallRunsWithIt()
    {
        var frank = $"frank-{_suffix}";
        var gina = $"gina-{_suffix}";
        var contact = fixture.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = $"v-{_suffix}@example.test" });
        await using var server = await StartServerAsync();
        var browser = new TestBrowser(server.App.GetTestServer().CreateClient(), fixture.Idp);
        await using var frankClient = await ConnectAsync(server, frank, urlElicitation: false, completed: null);
        await using var ginaClient = await ConnectAsync(server, gina, urlElicitation: false, completed: null);
        foreach (var (client, user) in new[] { (frankClient, frank), (ginaClient, gina) })
        {
            await ConnectAccountAsync(browser, client, user, "contact", contact);
            (await CallAsync(client, "CRM.GetRecord", new { objectType = "contact", recordId = contact })).IsError.Should().NotBe(true);
        }

        var database = Path.Combine(server.Folder, "governance.db");
        // gina's row gets frank's genuine encrypted cache: it is bound to frank (associated data), so it must not decrypt as gina's.
        await ExecuteAsync(database, $"""
            UPDATE token_vault SET (key_id, nonce, ciphertext, tag) =
                (SELECT key_id, nonce, ciphertext, tag FROM token_vault WHERE user = '{frank}') WHERE user = '{gina}';
            """);
        // frank's own row is tampered with: authentication fails.
        await ExecuteAsync(database, $"UPDATE token_vault SET ciphertext = zeroblob(length(ciphertext)) WHERE user = '{frank}'");
        var callsBefore = fixture.HubSpot.Calls.Count;

        var frankAnswer = await CallAsync(frankClient, "CRM.GetRecord", new { objectType = "contact", recordId = contact });
        var ginaAnswer = await CallAsync(ginaClient, "CRM.GetRecord", new { objectType = "contact", recordId = contact });

        frankAnswer.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code, Text(frankAnswer));
        ginaAnswer.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code, Text(ginaAnswer));
        fixture.HubSpot.Calls.Count.Should().Be(callsBefore, "an unreadable or moved row never lends anyone a token");
    }

    // A CRM call answered with the connect URL, then the browser walks it as the user: the account is connected.
    private async Task ConnectAccountAsync(TestBrowser browser, McpClient client, string user, string objectType, string recordId)
    {
        var answer = await CallAsync(client, "CRM.GetRecord", new { objectType, recordId });
        var url = new Uri(answer.StructuredContent!.Value.GetProperty("error").GetProperty("connectUrl").GetString()!);
        (await browser.ConnectAsync(url, user, user)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _issuer.Dispose();

    private static Dictionary<string, object?> Args(object arguments) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private async Task<HttpTestServer> StartServerAsync()
    {
        var folder = Directory.CreateTempSubdirectory("governedcrm-connect-").FullName;
        var (path, environment) = fixture.WriteConnectorsFile(folder);
        var policy = new ServerPolicy(GovernedCrm.Governance.Policy.BuiltInPolicy.Load(), null)
        {
            Connectors = ConnectorsFileLoader.Load(path, environment.GetValueOrDefault),
        };
        return await HttpTestServer.StartAsync(_issuer.Settings(), policy, _logs, folder);
    }

    private async Task<McpClient> ConnectAsync(
        HttpTestServer server, string user, bool urlElicitation, TaskCompletionSource<string>? completed, string? tenant = null, string roles = "rep")
    {
        var claims = new Dictionary<string, object> { ["roles"] = roles };
        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        var http = server.CreateHttpClient(_issuer.Token(user, claims));
        var options = new McpClientOptions { ProtocolVersion = "2025-11-25" };
        if (urlElicitation)
        {
            options.Capabilities = new ClientCapabilities { Elicitation = new() { Url = new() } };
            options.Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "accept" }),
                NotificationHandlers =
                [
                    new(NotificationMethods.ElicitationCompleteNotification, (n, _) =>
                    {
                        completed?.TrySetResult(n.Params!["elicitationId"]!.GetValue<string>());
                        return ValueTask.CompletedTask;
                    }),
                ],
            };
        }

        return await McpClient.CreateAsync(
            new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(server.App.GetTestServer().BaseAddress, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
                http, ownsHttpClient: true),
            options);
    }

    private async Task<CallToolResult> CallAsync(McpClient client, string tool, object arguments)
    {
        var result = await client.CallToolAsync(tool, Args(arguments));
        lock (_answers)
        {
            _answers.Add(JsonSerializer.Serialize(result));
        }

        return result;
    }

    private static Task<GovernedCrm.Governance.Credentials.ITokenVault> OpenVaultAsync(HttpTestServer server) =>
        Task.FromResult(server.Resources.Remote!.Vault);

    // The refresh tokens (and anything else token-like) in the users' decrypted caches: every string of 16+ characters.
    private static async Task<List<string>> VaultSecretsAsync(HttpTestServer server, string provider, params string[] users)
    {
        var secrets = new List<string>();
        foreach (var user in users)
        {
            var cache = await server.Resources.Remote!.Vault.LoadAsync(user, provider, CancellationToken.None);
            cache.Should().NotBeNull();
            using var document = JsonDocument.Parse(cache!.Value);
            Collect(document.RootElement, secrets);
        }

        return secrets;

        static void Collect(JsonElement element, List<string> into)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name == "msal" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            // MSAL's own serialized cache, base64 inside the envelope: its secrets are checked one by one.
                            using var msal = JsonDocument.Parse(Convert.FromBase64String(property.Value.GetString()!));
                            Collect(msal.RootElement, into);
                            continue;
                        }

                        Collect(property.Value, into);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, into);
                    }

                    break;
                case JsonValueKind.String when element.GetString() is { Length: >= 16 } text && !text.StartsWith("http", StringComparison.Ordinal) && !text.Contains(' ', StringComparison.Ordinal):
                    into.Add(text);
                    break;
            }
        }
    }

    private static string RawFiles(HttpTestServer server)
    {
        SqliteConnection.ClearAllPools();
        var all = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(server.Folder, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            all.Append(reader.ReadToEnd());
        }

        return all.ToString();
    }
}
