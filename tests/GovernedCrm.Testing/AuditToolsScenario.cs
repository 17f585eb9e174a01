using System.Text.Json;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting;
using Microsoft.AspNetCore.TestHost;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Testing;

/// <summary>
/// One real HTTP server (JWT identities) for the audit tools, with the built-in default policy plus: a <c>compliance</c>
/// role listed under <c>audit.cross_tenant_roles</c> and given the audit tools, and a fields rule hiding contact emails
/// from auditors. Seeded by adam (admin, default): a contact whose email is a canary, and deal 3001's amount set to
/// 4242; by nadia (admin, northwind): a denied read of deal 3001, so northwind's chain names that record too.
/// </summary>
internal sealed class AuditToolsScenario : IAsyncDisposable
{
    public const string EmailCanary = "zq9audit.canary@hidden.example";

    public const string EmailFragment = "zq9audit";

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TestIssuer _issuer;

    private AuditToolsScenario(HttpTestServer server, TestIssuer issuer)
    {
        Server = server;
        _issuer = issuer;
    }

    public HttpTestServer Server { get; }

    /// <summary>The contact holding the canary.</summary>
    public string ContactId { get; private set; } = "";

    public static string PolicyText() => BuiltInPolicy.Text()
        .Replace("roles: [viewer, rep, manager, admin, auditor]", "roles: [viewer, rep, manager, admin, auditor, compliance]", StringComparison.Ordinal)
        .Replace("    roles: [admin, auditor]\n    tools: [\"Audit.*\"]", "    roles: [admin, auditor, compliance]\n    tools: [\"Audit.*\"]", StringComparison.Ordinal)
        .Replace("fields:\n", "fields:\n  - id: auditors-no-contact-email\n    roles: [auditor]\n    objects: [contact]\n    deny_read: [email]\n\n", StringComparison.Ordinal)
        .TrimEnd() + "\n\naudit:\n  cross_tenant_roles: [compliance]\n";

    public static async Task<AuditToolsScenario> StartAsync()
    {
        var loaded = PolicyLoader.Load(PolicyText(), "audit-tools-test-policy");
        if (loaded.Policy is null)
        {
            throw new InvalidOperationException("the test policy does not load: " + string.Join("; ", loaded.Errors));
        }

        var issuer = new TestIssuer();
        var scenario = new AuditToolsScenario(await HttpTestServer.StartAsync(issuer.Settings(), new ServerPolicy(loaded.Policy, null)), issuer);
        await scenario.SeedAsync();
        return scenario;
    }

    /// <summary>An MCP client for a token user with one role in one tenant.</summary>
    public Task<McpClient> ConnectAsync(string user, string role, string tenant = "default")
    {
        var token = _issuer.Token(user, new Dictionary<string, object> { ["roles"] = role, ["tenant"] = tenant });
        return McpClient.CreateAsync(
            new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(Server.App.GetTestServer().BaseAddress, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
                Server.CreateHttpClient(token),
                ownsHttpClient: true),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });
    }

    public static ValueTask<CallToolResult> CallAsync(McpClient client, string tool, object arguments) =>
        client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)));

    /// <summary>Everything a result shows: its text blocks and its structured content, decoded (an escaped value is still found).</summary>
    public static string Text(CallToolResult result)
    {
        var parts = result.Content.OfType<TextContentBlock>().Select(b => Decoded(b.Text)).ToList();
        if (result.StructuredContent is { } structured)
        {
            parts.Add(Decoded(structured.GetRawText()));
        }

        return string.Join('\n', parts);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _issuer.Dispose();
    }

    private static string Decoded(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(json.RootElement, Unescaped);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private async Task SeedAsync()
    {
        await using (var adam = await ConnectAsync("adam", "admin"))
        {
            var created = await CallAsync(adam, "CRM.CreateContact", new
            {
                properties = new { email = EmailCanary, firstname = "Audra", lastname = "Canary" },
                reason = "Seed the audit tools scenario.",
            });
            ContactId = created.StructuredContent?.GetProperty("recordId").GetString()
                ?? throw new InvalidOperationException("the canary contact was not created: " + Text(created));
            var updated = await CallAsync(adam, "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 4242 }, reason = "Seed." });
            if (updated.IsError == true)
            {
                throw new InvalidOperationException("the deal update failed: " + Text(updated));
            }
        }

        await using var nadia = await ConnectAsync("nadia", "admin", "northwind");
        await CallAsync(nadia, "CRM.GetRecord", new { objectType = "deal", recordId = "3001" });
    }
}
