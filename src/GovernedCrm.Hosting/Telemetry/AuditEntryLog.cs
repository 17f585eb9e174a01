using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Telemetry;

namespace GovernedCrm.Hosting.Telemetry;

/// <summary>
/// One log record per acknowledged audit entry, for the OpenTelemetry log exporter only (the console logger is
/// filtered off <see cref="Category"/>): who, what, on which record, with which outcome, and the entry's place in its
/// chain. Only fields the entry stores, and none of its values: the before and proposed values, the result and the
/// agent's reasoning stay in the chain (read them there, with the entry's chain and sequence). Registered only when
/// log records are exported.
/// </summary>
/// <param name="loggers">The host's loggers.</param>
internal sealed class AuditEntryLog(ILoggerFactory loggers)
{
    /// <summary>The log category of the audit entries' records.</summary>
    public const string Category = "GovernedCrm.Audit.Entries";

    private static readonly EventId Entry = new(1, "AuditEntry");

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    /// <summary>Writes the record of an acknowledged entry.</summary>
    /// <param name="record">What the entry says.</param>
    /// <param name="receipt">Where it is in its chain.</param>
    public void Appended(AuditRecord record, AuditReceipt receipt)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.Log(LogLevel.Information, Entry, Fields(record, receipt), null, static (fields, _) => Message(fields));
        }
    }

    /// <summary>The record's attributes: the entry's stored fields but its values (see the class summary); unset ones are left out.</summary>
    /// <param name="record">What the entry says.</param>
    /// <param name="receipt">Where it is in its chain.</param>
    /// <returns>The attributes, in a fixed order.</returns>
    public static IReadOnlyList<KeyValuePair<string, object?>> Fields(AuditRecord record, AuditReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(receipt);
        KeyValuePair<string, object?>[] all =
        [
            new("governedcrm.audit.chain", receipt.Chain),
            new("governedcrm.audit.sequence", receipt.Sequence),
            new("governedcrm.audit.entry_id", receipt.EntryId),
            new("governedcrm.audit.event", AuditQueryService.EventName(record.Event.ToString())),
            new("governedcrm.audit.action", AuditQueryService.EventName(record.Action.ToString())),
            new(TelemetryTags.Tenant, record.Tenant),
            new(TelemetryTags.Actor, record.Actor),
            new("governedcrm.audit.on_behalf_of", record.OnBehalfOf),
            new(TelemetryTags.McpSession, record.SessionId),
            new(TelemetryTags.RequestId, record.RequestId),
            new(TelemetryTags.ExecutionId, record.ExecutionId),
            new("governedcrm.audit.correlation_id", record.CorrelationId),
            new(TelemetryTags.Tool, record.Tool),
            new("governedcrm.audit.target_system", record.TargetSystem),
            new("governedcrm.audit.object_type", record.ObjectType),
            new("governedcrm.audit.record_id", record.RecordId),
            new("governedcrm.audit.properties", record.Properties),
            new("governedcrm.audit.confidence", record.Confidence),
            new("governedcrm.audit.approver", record.Approver),
            new("governedcrm.audit.policy_version", record.PolicyVersion),
            new(TelemetryTags.Rule, record.Rule),
            new("governedcrm.audit.outcome", record.Outcome),
            new("governedcrm.audit.arguments_digest", record.ArgumentsDigest),
        ];
        return [.. all.Where(f => f.Value is not null)];
    }

    private static string Message(IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        string? Field(string key) => fields.FirstOrDefault(f => f.Key == key).Value?.ToString();
        return $"audit entry {Field("governedcrm.audit.entry_id")}: {Field("governedcrm.audit.event")} {Field(TelemetryTags.Tool)} by {Field(TelemetryTags.Actor)} ({Field("governedcrm.audit.outcome")})";
    }
}
