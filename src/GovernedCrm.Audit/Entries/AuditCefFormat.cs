namespace GovernedCrm.Audit.Entries;

/// <summary>
/// One entry as an ArcSight Common Event Format line:
/// <c>CEF:0|GovernedCrm|governed-crm|VERSION|EVENT|NAME|SEVERITY|EXTENSION</c>. Header fields escape <c>\</c> and
/// <c>|</c>; extension values escape <c>\</c>, <c>=</c>, and write a line feed as <c>\n</c> and a carriage return as
/// <c>\r</c>, so every entry is one line. The mapping (standard CEF keys and labelled custom strings) is a contract
/// for SIEM parsers; it is listed in docs/siem.md.
/// </summary>
public static class AuditCefFormat
{
    /// <summary>The CEF device vendor.</summary>
    public const string Vendor = "GovernedCrm";

    /// <summary>The CEF device product.</summary>
    public const string Product = "governed-crm";

    /// <summary>The entry as one CEF line (no line ending).</summary>
    /// <param name="entry">The stored (redacted) entry.</param>
    /// <param name="productVersion">The device version written in the header.</param>
    /// <returns>The line.</returns>
    public static string ToCef(AuditEntry entry, string productVersion)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var r = entry.Record;
        var eventName = AuditSiemSeverity.EventName(r.Event);
        var line = new StringBuilder("CEF:0|")
            .Append(Header(Vendor)).Append('|')
            .Append(Header(Product)).Append('|')
            .Append(Header(productVersion)).Append('|')
            .Append(Header(eventName)).Append('|')
            .Append(Header(r.Tool is null ? eventName : eventName + " " + r.Tool)).Append('|')
            .Append(AuditSiemSeverity.Cef(r.Event).ToString(CultureInfo.InvariantCulture)).Append('|');
        var first = true;
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            line.Append(first ? "" : " ").Append(key).Append('=').Append(Extension(value));
            first = false;
        }

        Add("rt", entry.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("externalId", r.ExecutionId);
        Add("suser", r.Actor);
        Add("act", r.Action.ToString().ToLowerInvariant());
        Add("outcome", r.Outcome);
        Add("requestClientApplication", r.OnBehalfOf);
        Add("destinationServiceName", r.TargetSystem);
        Add("msg", r.Reasoning);
        Add("cn1Label", "seq");
        Add("cn1", entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Add("cs1Label", "chain");
        Add("cs1", r.Tenant);
        Add("cs2Label", "tool");
        Add("cs2", r.Tool);
        Add("cs3Label", "rule");
        Add("cs3", r.Rule);
        Add("cs4Label", "record");
        Add("cs4", r.ObjectType is null && r.RecordId is null ? null : $"{r.ObjectType}/{r.RecordId}");
        Add("cs5Label", "properties");
        Add("cs5", r.Properties);
        Add("cs6Label", "approver");
        Add("cs6", r.Approver);
        Add("cfp1Label", "confidence");
        Add("cfp1", r.Confidence?.ToString("R", CultureInfo.InvariantCulture));
        Add("flexString1Label", "correlationId");
        Add("flexString1", r.CorrelationId);
        Add("flexString2Label", "policyVersion");
        Add("flexString2", r.PolicyVersion);
        return line.ToString();
    }

    /// <summary>Escapes a header field: <c>\</c> and <c>|</c> get a backslash; a line break becomes a space (the header is one line).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The escaped value.</returns>
    public static string Header(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>Escapes an extension value: <c>\</c> and <c>=</c> get a backslash, a line feed is written <c>\n</c>, a carriage return <c>\r</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The escaped value.</returns>
    public static string Extension(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
