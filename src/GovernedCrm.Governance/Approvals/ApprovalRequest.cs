namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// A proposal that needs approval, as persisted in the approval queue: bound to the exact arguments (by digest),
/// with the values before, who asked and why, the rule that asked for approval, and its expiry.
/// </summary>
public sealed record ApprovalRequest
{
    /// <summary>The approval id: "apr_" and 24 random lowercase hex digits (not guessable).</summary>
    public required string Id { get; init; }

    /// <summary>The tenant the proposal belongs to; only callers of this tenant see or decide it.</summary>
    public required string Tenant { get; init; }

    /// <summary>The user who proposed the call.</summary>
    public required string Requester { get; init; }

    /// <summary>
    /// The requester's roles when they proposed, space-separated (a token caller's come from the token, not the
    /// directory). Kept as text so proposals compare by value.
    /// </summary>
    public string RequesterRoles { get; init; } = "";

    /// <summary>How the requester was identified ("local" or "token"), so an edit is re-checked as the same caller.</summary>
    public string RequesterSource { get; init; } = "local";

    /// <summary>The tool.</summary>
    public required string Tool { get; init; }

    /// <summary>The object type, when the tool names one.</summary>
    public string? ObjectType { get; init; }

    /// <summary>The targeted record, when the tool names one.</summary>
    public string? RecordId { get; init; }

    /// <summary>The exact arguments of the proposed call (JSON object).</summary>
    public required string ArgumentsJson { get; init; }

    /// <summary>SHA-256 of the canonical arguments: the approval binds to it.</summary>
    public required string ArgumentsDigest { get; init; }

    /// <summary>The values before the change of the properties the call names (JSON), when it targets a record.</summary>
    public string? BeforeJson { get; init; }

    /// <summary>The record's version when proposed (optimistic concurrency at execution), when it targets a record.</summary>
    public long? RecordVersion { get; init; }

    /// <summary>The agent's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>The agent's confidence (0-1).</summary>
    public double? Confidence { get; init; }

    /// <summary>The rule that required approval.</summary>
    public required string Rule { get; init; }

    /// <summary>Who approves: the requester, or an approver holding <see cref="ApproverRole"/>.</summary>
    public required ApprovalRoute Route { get; init; }

    /// <summary>The role an approver must hold when <see cref="Route"/> is <see cref="ApprovalRoute.Role"/>.</summary>
    public string? ApproverRole { get; init; }

    /// <summary>Why approval is needed (the rule's reason).</summary>
    public required string ApprovalReason { get; init; }

    /// <summary>The policy version that required approval.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>The execution id of the proposing call (links the audit entries).</summary>
    public required string ExecutionId { get; init; }

    /// <summary>When it was proposed.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it expires if still pending.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Where it is now.</summary>
    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;

    /// <summary>Who decided (approved, rejected or confirmed).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The decider's note (required reason of a rejection).</summary>
    public string? DecisionNote { get; init; }

    /// <summary>The arguments as approved when the approver edited them (JSON object), else null.</summary>
    public string? ApprovedArgumentsJson { get; init; }

    /// <summary>
    /// The position in the tenant's audit chain of the entry that records the decision (APPROVED or REJECTED), once
    /// written. A hint for finding the evidence quickly, never evidence itself: the entry is read and checked.
    /// </summary>
    public long? DecisionSequence { get; init; }

    /// <summary>The id of the bulk decision this proposal was decided in, if any.</summary>
    public string? BulkId { get; init; }

    /// <summary>The execution's result summary (JSON), once executed, failed or found stale.</summary>
    public string? ResultJson { get; init; }

    /// <summary>When execution finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// The requester as they were identified when they proposed (a token caller keeps the token's roles), before a
    /// directory completes them: an edit is re-checked, and an approved call runs, as this caller.
    /// </summary>
    /// <returns>The requester's identity.</returns>
    public Identity.CallerIdentity RequesterAsProposed() =>
        new(Requester, Tenant, RequesterRoles.Split(' ', StringSplitOptions.RemoveEmptyEntries), RequesterSource);

    /// <summary>The arguments to execute with: the approved (edited) ones, else the proposed ones.</summary>
    public string EffectiveArgumentsJson => ApprovedArgumentsJson ?? ArgumentsJson;
}
