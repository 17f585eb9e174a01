namespace GovernedCrm.Governance.Audit;

/// <summary>
/// An audit entry's record as one reader may see it: the values of the properties the reader may not read on the
/// entry's object type (<see cref="FieldRedaction.UnreadableFields"/> for the reader) are replaced in the before,
/// proposed and result values, and every occurrence of such a value in free text (the agent's reason, a message in
/// the result) is blanked too. Used by audit search and record history (CLI, MCP, console): one egress.
/// </summary>
public static class AuditRecordRedaction
{
    /// <summary>Redacts <paramref name="record"/> for a reader who may not read <paramref name="hidden"/>.</summary>
    /// <param name="record">The entry's record, as the chain holds it.</param>
    /// <param name="hidden">The properties the reader may not read on the record's object type.</param>
    /// <param name="moreHiddenValues">Hidden values known from elsewhere (another entry of the same record), also blanked in free text.</param>
    /// <returns>The record with its value-carrying fields redacted (JSON text), and the hidden values it held.</returns>
    public static (AuditRecord Record, string[] HiddenValues) Apply(AuditRecord record, IReadOnlySet<string> hidden, IEnumerable<string>? moreHiddenValues = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Count == 0)
        {
            return (record, []);
        }

        var previous = StoredJson.Parse(record.PreviousValues);
        var proposed = StoredJson.Parse(record.ProposedValues);
        var result = StoredJson.Parse(record.Result);
        string[] values = [.. FieldRedaction.HiddenValues(previous, hidden)
            .Concat(FieldRedaction.HiddenValues(proposed, hidden))
            .Concat(FieldRedaction.HiddenValues(result, hidden))
            .Concat(moreHiddenValues ?? [])
            .Distinct(StringComparer.Ordinal)];
        return (record with
        {
            PreviousValues = Text(FieldRedaction.ScrubNode(FieldRedaction.Redact(previous, hidden), values)),
            ProposedValues = Text(FieldRedaction.ScrubNode(FieldRedaction.Redact(proposed, hidden), values)),
            Result = Text(FieldRedaction.ScrubNode(FieldRedaction.Redact(result, hidden), values)),
            Reasoning = FieldRedaction.ScrubText(record.Reasoning, values),
        }, values);
    }

    private static string? Text(JsonNode? node) => node?.ToJsonString();
}
