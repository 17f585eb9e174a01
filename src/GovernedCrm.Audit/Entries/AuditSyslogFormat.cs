namespace GovernedCrm.Audit.Entries;

/// <summary>
/// One entry as an RFC 5424 syslog message:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME governed-crm - EVENT [governedcrm@32473 chain="…" seq="…" …] MSG</c>, facility 13
/// (log audit), the severity of <see cref="AuditSiemSeverity.Syslog"/>, and as MSG the entry's JSON export object or
/// its CEF line (no BOM). Structured-data values escape <c>"</c>, <c>\</c> and <c>]</c> (RFC 5424 section 6.3.3); a line
/// break in one becomes a space so the message stays one line (the MSG keeps the exact value).
/// </summary>
public static class AuditSyslogFormat
{
    /// <summary>The structured-data id (the private-enterprise-number form of RFC 5424 section 7.2.2; 32473 is the documentation number of RFC 5612).</summary>
    public const string StructuredDataId = "governedcrm@32473";

    /// <summary>The APP-NAME field.</summary>
    public const string AppName = "governed-crm";

    /// <summary>The facility: 13, log audit.</summary>
    public const int Facility = 13;

    /// <summary>The entry as one RFC 5424 message (no framing, no line ending).</summary>
    /// <param name="entry">The stored (redacted) entry.</param>
    /// <param name="hostName">The HOSTNAME field (made printable ASCII; <c>-</c> when empty).</param>
    /// <param name="message">The MSG part (one line): the JSON export object or the CEF line.</param>
    /// <returns>The message.</returns>
    public static string ToSyslog(AuditEntry entry, string hostName, string message)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(message);
        var r = entry.Record;
        var eventName = AuditSiemSeverity.EventName(r.Event);
        var line = new StringBuilder()
            .Append('<').Append((Facility * 8) + AuditSiemSeverity.Syslog(r.Event)).Append(">1 ")
            .Append(entry.Timestamp.UtcDateTime.ToString(AuditExportFormat.TimestampFormat, CultureInfo.InvariantCulture)).Append(' ')
            .Append(Field(hostName, 255)).Append(' ')
            .Append(AppName).Append(" - ")
            .Append(Field(eventName, 32)).Append(" [").Append(StructuredDataId);
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                line.Append(' ').Append(name).Append("=\"").Append(ParamValue(value)).Append('"');
            }
        }

        Add("chain", r.Tenant);
        Add("seq", entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Add("event", eventName);
        Add("action", r.Action.ToString().ToLowerInvariant());
        Add("actor", r.Actor);
        Add("executionId", r.ExecutionId);
        Add("tool", r.Tool);
        Add("outcome", r.Outcome);
        Add("rule", r.Rule);
        Add("correlationId", r.CorrelationId);
        Add("onBehalfOf", r.OnBehalfOf);
        return line.Append("] ").Append(message).ToString();
    }

    /// <summary>Escapes a structured-data parameter value: <c>"</c>, <c>\</c> and <c>]</c> get a backslash; CR and LF become spaces.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The escaped value.</returns>
    public static string ParamValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("]", "\\]", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
    }

    // A header field: printable US-ASCII without spaces (33..126), at most maxLength characters; "-" (NILVALUE) when nothing is left.
    private static string Field(string value, int maxLength)
    {
        var kept = new StringBuilder();
        foreach (var c in value)
        {
            if (c is > ' ' and <= '~' && kept.Length < maxLength)
            {
                kept.Append(c);
            }
        }

        return kept.Length == 0 ? "-" : kept.ToString();
    }
}
