namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// What steps may learn about a tool's result without knowing its transport type. Hosts wrap their tool
/// results in a type implementing this so the audit step can record outcomes.
/// </summary>
public interface IGovernedResult
{
    /// <summary>True when the tool reported an error.</summary>
    bool IsError { get; }

    /// <summary>The error's stable code, when there is one.</summary>
    string? ErrorCode { get; }

    /// <summary>A compact JSON summary for the audit trail (after values, ids, version), already redacted.</summary>
    string? AuditSummary { get; }
}
