namespace GovernedCrm.Mcp.Governance;

/// <summary>Reads a tools/call request's parameters without throwing on what a client sent.</summary>
internal static class ToolCallParams
{
    /// <summary>The tool name (cut to 128 characters), or null when the parameters have no readable name.</summary>
    /// <param name="parameters">The request's params.</param>
    /// <returns>The name, or null.</returns>
    public static string? TryReadName(JsonNode? parameters)
    {
        try
        {
            // The indexer reads every name of the object: a repeated or unreadable one throws.
            if (parameters is JsonObject obj && obj["name"] is JsonValue value && value.TryGetValue(out string? text))
            {
                return text.Length <= 128 ? text : text[..128];
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return null;
        }

        return null;
    }
}
