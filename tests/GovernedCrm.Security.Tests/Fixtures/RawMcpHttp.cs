using System.Net;
using System.Text;
using System.Text.Json;

namespace GovernedCrm.Security.Tests.Fixtures;

/// <summary>
/// Sends hand-written JSON-RPC over Streamable HTTP, byte for byte: the attacks here (duplicate keys, lone
/// surrogates, batches) are JSON no serializer would produce.
/// </summary>
internal static class RawMcpHttp
{
    /// <summary>Posts <paramref name="json"/> to /mcp as it is and reads the answer (plain JSON or one SSE event).</summary>
    public static async Task<RawAnswer> PostAsync(HttpClient http, string json, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var session = response.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.FirstOrDefault() : null;
        return new RawAnswer(response.StatusCode, body, Message(body), session);
    }

    /// <summary>Initializes a session (by default a plain client without capabilities) and returns its id.</summary>
    public static async Task<string> OpenSessionAsync(HttpClient http, string protocolVersion = "2025-11-25", string capabilities = "{}")
    {
        var initialized = await PostAsync(http, $$$$"""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"{{{{protocolVersion}}}}","capabilities":{{{{capabilities}}}},"clientInfo":{"name":"attacker","version":"1"}}}""");
        var session = initialized.SessionId ?? throw new InvalidOperationException($"No session: {initialized.Status} {initialized.Body}");
        await PostAsync(http, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session);
        return session;
    }

    /// <summary>Opens a session and posts <paramref name="json"/> in it.</summary>
    public static async Task<RawAnswer> PostInSessionAsync(HttpClient http, string json) =>
        await PostAsync(http, json, await OpenSessionAsync(http));

    /// <summary>A tools/call request with <paramref name="argumentsJson"/> spliced in as raw text.</summary>
    public static string ToolCall(string tool, string argumentsJson, int id = 1) =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/call","params":{"name":"{{{{tool}}}}","arguments":{{{{argumentsJson}}}}}}""";

    // The last JSON-RPC message in the body: the body itself, or the data of the last SSE event that has one.
    private static JsonElement? Message(string body)
    {
        var text = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[')
            ? body
            : body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).LastOrDefault(l => l.Length > 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>What the server answered to a raw post.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body as sent.</param>
/// <param name="Message">The JSON-RPC message in it, if any.</param>
/// <param name="SessionId">The Mcp-Session-Id header, if any.</param>
internal sealed record RawAnswer(HttpStatusCode Status, string Body, JsonElement? Message, string? SessionId)
{
    /// <summary>The text of a tool result's content (empty when the answer is not a tool result).</summary>
    public string ToolText => Message is { } m && m.TryGetProperty("result", out var result) && result.TryGetProperty("content", out var content)
        ? string.Concat(content.EnumerateArray().Select(c => c.TryGetProperty("text", out var t) ? t.GetString() : null))
        : string.Empty;

    /// <summary>True when the answer is a tool result with isError: true.</summary>
    public bool IsToolError => Message is { } m && m.TryGetProperty("result", out var result)
        && result.TryGetProperty("isError", out var error) && error.ValueKind == JsonValueKind.True;
}
