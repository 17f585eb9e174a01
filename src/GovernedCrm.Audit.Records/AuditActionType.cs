namespace GovernedCrm.Audit.Records;

/// <summary>The kind of act an entry records, for queries and reports.</summary>
public enum AuditActionType
{
    /// <summary>A read of customer data.</summary>
    Read,

    /// <summary>A change to customer data.</summary>
    Write,

    /// <summary>An approval.</summary>
    Approve,

    /// <summary>A rejection.</summary>
    Reject,

    /// <summary>A refusal by the runtime.</summary>
    Deny,

    /// <summary>An error.</summary>
    Error,
}
