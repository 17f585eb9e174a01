using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Security.Tests.Redaction;

/// <summary>
/// One real HTTP server (the same host as <c>serve --http</c>, JWT identities, the built-in default policy) holding a
/// contact whose email and phone are canaries, and a pending proposal by a rep that changes both to other canaries.
/// The matrix reads it as each role of the default policy. Callers are token users named after the demo users
/// (vera viewer, ravi rep, maria manager, adam admin, aida auditor), so the approvals CLI can act as the same people.
/// </summary>
public sealed class RedactionScenario : IAsyncLifetime, IDisposable
{
    /// <summary>A fragment of <see cref="EmailCanary"/> that occurs in no other property of any record.</summary>
    public const string EmailFragment = "zq7read";

    /// <summary>A fragment of <see cref="PhoneCanary"/> that occurs in no other property of any record.</summary>
    public const string PhoneFragment = "0199-7788";

    public const string EmailCanary = "zq7read.canary@hidden.example";

    public const string PhoneCanary = "555-0199-7788";

    /// <summary>The values the pending proposal would write (they are "proposed" and in its arguments).</summary>
    public const string ProposedEmailCanary = "zq7proposed.canary@hidden.example";

    public const string ProposedPhoneCanary = "555-0377-4411";

    public const string FirstName = "Rosalindqx";

    private readonly TestIssuer _issuer = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(int ExitCode, string Stdout, string Stderr)>>> _cli = new(StringComparer.Ordinal);
    private string? _cliPolicy;
    private HttpTestServer? _server;
    private int _rows;

    /// <summary>The demo user of each role of the default policy.</summary>
    public static IReadOnlyDictionary<string, string> UserOf { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["viewer"] = "vera",
        ["rep"] = "ravi",
        ["manager"] = "maria",
        ["admin"] = "adam",
        ["auditor"] = "aida",
    };

    internal HttpTestServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>The contact holding the canaries.</summary>
    public string ContactId { get; private set; } = "";

    /// <summary>The pending proposal (rule contact-email-change) that changes the contact's email and phone.</summary>
    public string ApprovalId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await HttpTestServer.StartAsync(_issuer.Settings());
        await using (var admin = await ConnectAsync("admin"))
        {
            var created = await CallAsync(admin, "CRM.CreateContact", new
            {
                properties = new { email = EmailCanary, phone = PhoneCanary, firstname = FirstName, lastname = "Franklin" },
                reason = "Seed the redaction matrix.",
            });
            ContactId = created.StructuredContent?.GetProperty("recordId").GetString()
                ?? throw new InvalidOperationException("the canary contact was not created: " + Text(created));
        }

        await using var rep = await ConnectAsync("rep");
        var proposed = await CallAsync(rep, "CRM.UpdateRecord", new
        {
            objectType = "contact",
            recordId = ContactId,
            properties = new { email = ProposedEmailCanary, phone = ProposedPhoneCanary },
            reason = "The contact moved.",
        });
        ApprovalId = proposed.StructuredContent is { } s && s.TryGetProperty("approvalId", out var id) ? id.GetString()! :
            throw new InvalidOperationException("the proposal was not queued: " + Text(proposed));
    }

    /// <summary>An MCP client with a token for the role's demo user; with <paramref name="elicit"/> the client answers confirmation forms.</summary>
    public Task<McpClient> ConnectAsync(string role, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null)
    {
        return ConnectAsync(Server, _issuer, role, elicit);
    }

    /// <summary>An MCP client of <paramref name="server"/> with a token of <paramref name="issuer"/> for the role's demo user.</summary>
    internal static Task<McpClient> ConnectAsync(
        HttpTestServer server, TestIssuer issuer, string role, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null)
    {
        var token = issuer.Token(UserOf[role], new Dictionary<string, object> { ["roles"] = role, ["tenant"] = "default" });
        return McpClient.CreateAsync(
            new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(server.App.GetTestServer().BaseAddress, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
                server.CreateHttpClient(token),
                ownsHttpClient: true),
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers { ElicitationHandler = elicit },
            });
    }

    /// <summary>A number no other row of the matrix gets, for unique canaries.</summary>
    public int NextRow() => Interlocked.Increment(ref _rows);

    /// <summary>
    /// Runs <c>governed-crm approvals ARGS --as USER --data FOLDER</c> once per distinct command line (the answers are
    /// shared by the matrix rows), under the default policy plus a <c>cli_users</c> entry that lets the OS user
    /// running the tests act as any user of the policy.
    /// </summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(string user, params string[] arguments)
    {
        var policy = _cliPolicy = Path.Combine(Path.GetDirectoryName(Server.Folder)!, Path.GetFileName(Server.Folder) + "-cli-policy.yaml");
        lock (_cli)
        {
            if (!File.Exists(policy))
            {
                File.WriteAllText(policy, GovernedCrm.Governance.Policy.BuiltInPolicy.Text().TrimEnd()
                    + $"\n\ncli_users:\n  {Environment.UserName}: {{ user: adam, act_as: [\"*\"] }}\n");
            }
        }

        string[] line = ["approvals", .. arguments, "--as", user, "--data", Server.Folder, "--policy", policy];
        return _cli.GetOrAdd(string.Join('\u0001', line), _ => new Lazy<Task<(int, string, string)>>(() => ServerProcess.RunAsync(line))).Value;
    }

    public static ValueTask<CallToolResult> CallAsync(McpClient client, string tool, object arguments) =>
        client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)));

    /// <summary>Everything a result shows, decoded: its text blocks, and every name and string of its JSON (so an escaped value is still found).</summary>
    public static string Text(CallToolResult result)
    {
        var parts = new List<string>();
        foreach (var block in result.Content.OfType<TextContentBlock>())
        {
            parts.Add(Visible(block.Text));
        }

        if (result.StructuredContent is { } structured)
        {
            parts.Add(Visible(structured.GetRawText()));
        }

        return string.Join('\n', parts);
    }

    /// <summary>Text as a reader sees it: JSON is decoded (every property name and value), anything else is kept.</summary>
    public static string Visible(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }

        var parts = new List<string> { text };
        Collect(node, parts);
        return string.Join('\n', parts);

        static void Collect(JsonNode? node, List<string> parts)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        parts.Add(name);
                        Collect(value, parts);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item, parts);
                    }

                    break;
                case JsonValue value:
                    parts.Add(value.TryGetValue<string>(out var s) ? s : value.ToJsonString());
                    break;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_cliPolicy is not null)
        {
            File.Delete(_cliPolicy);
        }
    }

    public void Dispose() => _issuer.Dispose();
}
