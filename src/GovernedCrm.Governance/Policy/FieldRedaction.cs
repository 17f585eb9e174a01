using System.Text.Json.Nodes;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Applies a policy's field read rules to a result: the value of every property the caller may not read is
/// replaced, at any depth (a record's properties, a search's records, a write's before and after values).
/// </summary>
public static class FieldRedaction
{
    /// <summary>What a value the caller may not read is replaced with.</summary>
    public const string Redacted = "[redacted by policy]";

    /// <summary>Returns a copy of <paramref name="node"/> with the named properties' values replaced.</summary>
    /// <param name="node">The JSON.</param>
    /// <param name="fields">Property names the caller may not read.</param>
    /// <returns>The redacted copy.</returns>
    public static JsonNode? Redact(JsonNode? node, IReadOnlySet<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = fields.Contains(name) && value is not JsonObject and not JsonArray ? JsonValue.Create(Redacted) : Redact(value, fields);
                }

                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(n => Redact(n, fields)).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
