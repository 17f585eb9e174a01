using System.Text.Json.Nodes;
namespace GovernedCrm.Audit.Entries;

/// <summary>The stable JSON shape of one exported entry (field names are a contract for SIEM pipelines).</summary>
public static class AuditExportFormat
{
    /// <summary>How every export format writes an entry's timestamp (UTC, milliseconds, RFC 3339).</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>The entry as one JSON object with the export's field names.</summary>
    /// <param name="entry">The entry (redact it first for a reader who may not see every value).</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject ToJson(AuditEntry entry)
    {
        var r = entry.Record;
        return new JsonObject
        {
            ["chain"] = r.Tenant,
            ["seq"] = entry.Sequence,
            ["timestamp"] = entry.Timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture),
            ["event"] = r.Event.ToString().ToLowerInvariant(),
            ["action"] = r.Action.ToString().ToLowerInvariant(),
            ["actor"] = r.Actor,
            ["onBehalfOf"] = r.OnBehalfOf,
            ["sessionId"] = r.SessionId,
            ["requestId"] = r.RequestId,
            ["executionId"] = r.ExecutionId,
            ["correlationId"] = r.CorrelationId,
            ["tool"] = r.Tool,
            ["targetSystem"] = r.TargetSystem,
            ["objectType"] = r.ObjectType,
            ["recordId"] = r.RecordId,
            ["properties"] = r.Properties,
            ["previousValues"] = StoredJson.Parse(r.PreviousValues),
            ["proposedValues"] = StoredJson.Parse(r.ProposedValues),
            ["result"] = StoredJson.Parse(r.Result),
            ["reasoning"] = r.Reasoning,
            ["confidence"] = r.Confidence,
            ["approver"] = r.Approver,
            ["policyVersion"] = r.PolicyVersion,
            ["rule"] = r.Rule,
            ["outcome"] = r.Outcome,
            ["argumentsDigest"] = r.ArgumentsDigest,
            ["previousHash"] = Convert.ToHexStringLower(entry.PreviousHash),
        };
    }
}
