using System.Text.Json;

namespace GovernedCrm.Audit.Entries;

/// <summary>
/// The CRM record an entry is about, as the record index of the audit database files it: the entry's object type
/// and record id; for the EXECUTED entry of a call that created a record (no record id when it was called), the
/// object type and id its result names. Computed from the entry itself, so the index can always be checked against
/// (and rebuilt from) the chain.
/// </summary>
/// <param name="ObjectType">The object type, e.g. "deal".</param>
/// <param name="RecordId">The record id.</param>
public readonly record struct AuditRecordKey(string ObjectType, string RecordId)
{
    /// <summary>The record <paramref name="record"/> is about, or null when it names none.</summary>
    /// <param name="record">The entry's record.</param>
    /// <returns>The key, or null.</returns>
    public static AuditRecordKey? Of(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.RecordId is { Length: > 0 } id && record.ObjectType is { Length: > 0 } type)
        {
            return new AuditRecordKey(type, id);
        }

        // A create names its record only in its result: {"created":true,"objectType":"contact","recordId":"…"}.
        if (record.RecordId is null && record.Event == AuditEventType.Executed && record.Result is { } result
            && result.Contains("\"created\":true", StringComparison.Ordinal))
        {
            return Created(result, record.ObjectType);
        }

        return null;
    }

    private static AuditRecordKey? Created(string result, string? objectType)
    {
        try
        {
            using var json = JsonDocument.Parse(result);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.True
                && root.TryGetProperty("recordId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } recordId)
            {
                var type = root.TryGetProperty("objectType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : objectType;
                return type is { Length: > 0 } ? new AuditRecordKey(type, recordId) : null;
            }
        }
        catch (JsonException)
        {
            // A result that is not JSON names no record.
        }

        return null;
    }
}
