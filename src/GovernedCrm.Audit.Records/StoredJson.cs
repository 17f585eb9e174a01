using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernedCrm.Audit.Records;

/// <summary>
/// Reads back a value stored as JSON text (an audit record's values, a proposal's arguments): text that is not JSON
/// reads as a JSON string, so a value is shown as it was stored, never lost.
/// </summary>
public static class StoredJson
{
    /// <summary>The stored text as a node: its JSON, or a JSON string holding the text when it is not JSON; null for null.</summary>
    /// <param name="json">The stored text.</param>
    /// <returns>The node.</returns>
    public static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
