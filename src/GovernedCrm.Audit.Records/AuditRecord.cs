namespace GovernedCrm.Audit.Records;

/// <summary>
/// What one audit entry says. The store adds the chain position, the timestamp and the hash link. Values are
/// plain strings (JSON for structured values) and must already be redacted: nothing secret reaches the store.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>The tenant, which is also the chain the entry goes to.</summary>
    public required string Tenant { get; init; }

    /// <summary>Which step of the call this is.</summary>
    public required AuditEventType Event { get; init; }

    /// <summary>The kind of act.</summary>
    public required AuditActionType Action { get; init; }

    /// <summary>The user the call runs for.</summary>
    public required string Actor { get; init; }

    /// <summary>The agent acting for the user (MCP client name and version).</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>The MCP session id.</summary>
    public string? SessionId { get; init; }

    /// <summary>The JSON-RPC request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Links every entry of one call.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>The client's correlation or trace id, if it sent one.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The tool name.</summary>
    public string? Tool { get; init; }

    /// <summary>The target system, e.g. "crm".</summary>
    public string? TargetSystem { get; init; }

    /// <summary>The object type.</summary>
    public string? ObjectType { get; init; }

    /// <summary>The record id.</summary>
    public string? RecordId { get; init; }

    /// <summary>The properties involved, comma separated.</summary>
    public string? Properties { get; init; }

    /// <summary>Values before the change (JSON object).</summary>
    public string? PreviousValues { get; init; }

    /// <summary>Values the call proposes (JSON object).</summary>
    public string? ProposedValues { get; init; }

    /// <summary>The result or error (JSON).</summary>
    public string? Result { get; init; }

    /// <summary>The agent's reason.</summary>
    public string? Reasoning { get; init; }

    /// <summary>The agent's confidence, 0 to 1.</summary>
    public double? Confidence { get; init; }

    /// <summary>Who approved or rejected.</summary>
    public string? Approver { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>The rule that decided.</summary>
    public string? Rule { get; init; }

    /// <summary>The outcome: allowed, denied:code, executed, failed:code, …</summary>
    public string? Outcome { get; init; }

    /// <summary>SHA-256 of the canonical arguments, so an approval can be bound to exact arguments.</summary>
    public string? ArgumentsDigest { get; init; }
}
