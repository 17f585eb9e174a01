using System.Collections.Frozen;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Redaction is a property of the caller: <see cref="UnreadableFields"/> says which properties of an object type a
/// caller may not read (the policy's fields rules, deny_read), and <see cref="Redact"/> replaces their values, at
/// any depth (a record's properties, a search's records, a write's before and after values, a proposal's
/// arguments). Every place record values leave the server uses these two: tool results, proposals
/// (CRM.GetProposal, Approvals.ListPending, the approvals CLI), the requester's confirmation form, and search,
/// which never matches on an unreadable property.
/// </summary>
public static class FieldRedaction
{
    /// <summary>What a value the caller may not read is replaced with.</summary>
    public const string Redacted = "[redacted by policy]";

    /// <summary>No property hidden.</summary>
    public static IReadOnlySet<string> None { get; } = FrozenSet<string>.Empty;

    /// <summary>
    /// The one redaction function: the properties of <paramref name="objectType"/> that <paramref name="caller"/> may
    /// not read under <paramref name="policy"/> (none when the policy has no field read rules, such as the allow-all policy).
    /// </summary>
    /// <param name="policy">The policy in force.</param>
    /// <param name="caller">Who the values are shown to: the viewer, not the proposal's requester.</param>
    /// <param name="objectType">The object type the values belong to (a proposal's, not "approval").</param>
    /// <returns>The property names to redact.</returns>
    public static IReadOnlySet<string> UnreadableFields(IGovernancePolicy? policy, CallerIdentity caller, string? objectType)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return policy is IFieldReadPolicy fields ? fields.UnreadableFields(caller, objectType) : None;
    }

    /// <summary>The properties a decided call's caller may not read on the call's object type (the decision's <c>RedactedFields</c>).</summary>
    /// <param name="decision">The policy's decision on the call, if any.</param>
    /// <returns>The property names to redact; none for a denial or no decision.</returns>
    public static IReadOnlySet<string> Of(PolicyDecision? decision) => decision switch
    {
        PolicyDecision.Allow allow => allow.RedactedFields,
        PolicyDecision.RequireApproval approval => approval.RedactedFields,
        _ => None,
    };

    /// <summary>
    /// Replaces every occurrence of one of <paramref name="values"/> in free text (an error message that quotes a
    /// value, say) with <see cref="Redacted"/>. Values shorter than three characters are left alone: they would
    /// blank out ordinary words and carry next to nothing.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="values">The hidden values, as text.</param>
    /// <returns>The text without them.</returns>
    public static string? ScrubText(string? text, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var value in values.Where(v => v.Length >= 3).OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, Redacted, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    /// <summary>
    /// Blanks every occurrence of one of <paramref name="values"/> inside the strings of <paramref name="node"/> (a
    /// message quoting a value, a reason repeating one), in place where it can; see <see cref="ScrubText"/>.
    /// </summary>
    /// <param name="node">The JSON (already a copy the caller owns).</param>
    /// <param name="values">The hidden values, as text.</param>
    /// <returns>The scrubbed JSON.</returns>
    public static JsonNode? ScrubNode(JsonNode? node, string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    obj[name] = ScrubNode(obj[name], values);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = ScrubNode(array[i]?.DeepClone(), values);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var scrubbed = ScrubText(text, values);
                return scrubbed == text ? value : JsonValue.Create(scrubbed);
            default:
                return node;
        }
    }

    /// <summary>The text of every scalar value stored under one of <paramref name="fields"/>, at any depth of <paramref name="node"/>.</summary>
    /// <param name="node">The JSON.</param>
    /// <param name="fields">Property names the caller may not read.</param>
    /// <returns>The hidden values, as text.</returns>
    public static IEnumerable<string> HiddenValues(JsonNode? node, IReadOnlySet<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (fields.Contains(name) && value is JsonValue scalar)
                    {
                        yield return scalar.TryGetValue<string>(out var text) ? text : scalar.ToJsonString();
                    }
                    else
                    {
                        foreach (var inner in HiddenValues(value, fields))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var inner in array.SelectMany(n => HiddenValues(n, fields)))
                {
                    yield return inner;
                }

                break;
        }
    }

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
