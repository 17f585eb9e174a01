using System.Text.RegularExpressions;

namespace GovernedCrm.Governance.Audit;

/// <summary>
/// Keeps secrets out of the audit trail: values under names that look like credentials are replaced before
/// anything reaches the store. Tools mark further sensitive fields with attributes (policy issue).
/// </summary>
public static partial class AuditRedaction
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>True when a property or argument name looks like it holds a secret.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether to redact its value.</returns>
    public static bool IsSensitiveName(string name) => SensitiveName().IsMatch(name);

    /// <summary>Returns a copy of <paramref name="node"/> with sensitive values replaced, at any depth.</summary>
    /// <param name="node">The JSON.</param>
    /// <returns>The redacted copy.</returns>
    public static JsonNode? Redact(JsonNode? node) => Redact(node, null);

    /// <summary>
    /// Returns a copy of <paramref name="node"/> with sensitive values replaced, at any depth: names that look like
    /// secrets, and the names a tool marked [Sensitive].
    /// </summary>
    /// <param name="node">The JSON.</param>
    /// <param name="sensitive">Further names whose values are redacted wherever they appear.</param>
    /// <returns>The redacted copy.</returns>
    public static JsonNode? Redact(JsonNode? node, IReadOnlySet<string>? sensitive)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = IsSensitiveName(name) || sensitive?.Contains(name) == true ? JsonValue.Create(Redacted) : Redact(value, sensitive);
                }

                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(n => Redact(n, sensitive)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    [GeneratedRegex("pass(word)?|secret|token|api[_-]?key|authorization|bearer|credential|private[_-]?key|ssn|credit[_-]?card|cvv", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SensitiveName();
}
