using System.Text.Encodings.Web;
using System.Text.Json;

namespace GovernedCrm.AdminConsole.Trail;

/// <summary>Reads the audit answers' JSON for the pages: a value as text, and an entry as indented JSON.</summary>
public static class AuditJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value at <paramref name="name"/> of <paramref name="node"/> as text: a string as is, anything else as JSON; null when absent or null.</summary>
    /// <param name="node">An object.</param>
    /// <param name="name">The property.</param>
    /// <returns>The text, or null.</returns>
    public static string? Text(JsonNode? node, string name) => Text(node?[name]);

    /// <summary>A value as text: a string as is, anything else as JSON; null for null.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, or null.</returns>
    public static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    /// <summary>The objects of the array at <paramref name="name"/>.</summary>
    /// <param name="node">An object.</param>
    /// <param name="name">The property.</param>
    /// <returns>The objects (none when absent).</returns>
    public static IEnumerable<JsonObject> Objects(JsonNode? node, string name) =>
        node?[name] is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary><paramref name="node"/> as indented JSON.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The text.</returns>
    public static string Pretty(JsonNode? node) => node?.ToJsonString(Indented) ?? "null";
}
