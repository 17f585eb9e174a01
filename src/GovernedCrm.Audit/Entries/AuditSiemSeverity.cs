namespace GovernedCrm.Audit.Entries;

/// <summary>How serious an entry is for a SIEM, from its event: one mapping for the CEF and syslog formats.</summary>
public static class AuditSiemSeverity
{
    /// <summary>The CEF severity (0-10): 3 for the steps of a normal call, 5 for a rejection, expiry or cancellation, 6 for a denial, 7 for a failure.</summary>
    /// <param name="type">The entry's event.</param>
    /// <returns>The severity.</returns>
    public static int Cef(AuditEventType type) => type switch
    {
        AuditEventType.Failed => 7,
        AuditEventType.Denied => 6,
        AuditEventType.Rejected or AuditEventType.Expired or AuditEventType.Cancelled => 5,
        _ => 3,
    };

    /// <summary>The RFC 5424 severity (0 emergency .. 7 debug): 6 informational, 5 notice, 4 warning (denial), 3 error (failure).</summary>
    /// <param name="type">The entry's event.</param>
    /// <returns>The severity.</returns>
    public static int Syslog(AuditEventType type) => type switch
    {
        AuditEventType.Failed => 3,
        AuditEventType.Denied => 4,
        AuditEventType.Rejected or AuditEventType.Expired or AuditEventType.Cancelled => 5,
        _ => 6,
    };

    /// <summary>The event's export name, as the JSONL <c>event</c> field writes it (e.g. <c>approvalrequested</c>).</summary>
    /// <param name="type">The event.</param>
    /// <returns>The lower-case name.</returns>
    public static string EventName(AuditEventType type) => type.ToString().ToLowerInvariant();
}
