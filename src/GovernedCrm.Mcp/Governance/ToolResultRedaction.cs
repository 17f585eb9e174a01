namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Applies field read rules to a tool's MCP result: structured content and JSON text blocks are redacted; any
/// other content block is withheld, since it might carry a value the caller may not read.
/// </summary>
internal static class ToolResultRedaction
{
    public const string Withheld = "[content withheld: it may hold fields the policy does not let you read]";

    public static CallToolResult Apply(CallToolResult result, IReadOnlySet<string> fields)
    {
        if (fields.Count == 0)
        {
            return result;
        }

        JsonElement? structured = result.StructuredContent is { } element
            ? JsonSerializer.SerializeToElement(FieldRedaction.Redact(JsonNode.Parse(element.GetRawText()), fields), GovernanceJson.Options)
            : null;
        var content = new List<ContentBlock>(result.Content.Count);
        foreach (var block in result.Content)
        {
            content.Add(block is TextContentBlock text && TryRedactJson(text.Text, fields, out var redacted)
                ? new TextContentBlock { Text = redacted }
                : new TextContentBlock { Text = Withheld });
        }

        return new CallToolResult { IsError = result.IsError, Content = content, StructuredContent = structured, Meta = result.Meta };
    }

    private static bool TryRedactJson(string text, IReadOnlySet<string> fields, out string redacted)
    {
        redacted = "";
        try
        {
            if (JsonNode.Parse(text) is not { } node)
            {
                return false;
            }

            redacted = FieldRedaction.Redact(node, fields)!.ToJsonString(GovernanceJson.Options);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
