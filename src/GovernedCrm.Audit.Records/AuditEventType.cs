namespace GovernedCrm.Audit.Records;

/// <summary>Which step of a call an audit entry records.</summary>
public enum AuditEventType
{
    /// <summary>The server received a tool call (before anything else looked at it).</summary>
    Received,

    /// <summary>A step refused the call (validation, policy, a failed audit write).</summary>
    Denied,

    /// <summary>The call was allowed and is about to run: written durably before any side effect.</summary>
    Proposed,

    /// <summary>A human was asked to confirm or approve.</summary>
    ApprovalRequested,

    /// <summary>A human approved (possibly with edits).</summary>
    Approved,

    /// <summary>A human rejected.</summary>
    Rejected,

    /// <summary>An approval expired.</summary>
    Expired,

    /// <summary>The tool ran and succeeded.</summary>
    Executed,

    /// <summary>The tool ran and returned an error, or threw.</summary>
    Failed,

    /// <summary>
    /// The client cancelled the call (or went away) before it had an outcome. The entry's outcome says whether the
    /// PROPOSED entry had been written, that is whether the tool may have run.
    /// </summary>
    Cancelled,
}
