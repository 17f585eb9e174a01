namespace GovernedCrm.Mcp.Governance;

/// <summary>A tool's MCP result as the governance pipeline sees it: error or not, and a compact audit summary.</summary>
internal sealed class GovernedToolResult : IGovernedResult
{
    public GovernedToolResult(CallToolResult result)
    {
        Result = result;
        IsError = result.IsError == true;
        if (result.StructuredContent is { ValueKind: JsonValueKind.Object } structured)
        {
            ErrorCode = structured.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) ? code.GetString() : null;
            AuditSummary = Summarize(structured);
        }
        else if (IsError)
        {
            AuditSummary = new JsonObject { ["error"] = "tool error" }.ToJsonString();
        }
    }

    public CallToolResult Result { get; }

    public bool IsError { get; }

    public string? ErrorCode { get; }

    public string? AuditSummary { get; }

    // The audit trail keeps what changed and which records were touched, not whole records (they hold customer data).
    private static string Summarize(JsonElement structured)
    {
        var summary = new JsonObject();
        foreach (var name in (ReadOnlySpan<string>)["outcome", "objectType", "recordId", "id", "version", "count", "created", "after", "error"])
        {
            if (structured.TryGetProperty(name, out var value))
            {
                summary[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        if (structured.TryGetProperty("records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            summary["recordIds"] = new JsonArray(records.EnumerateArray()
                .Select(r => r.TryGetProperty("id", out var id) ? (JsonNode?)JsonValue.Create(id.GetString()) : null).ToArray());
        }

        return AuditRecords.Json(summary)!;
    }
}
