namespace GovernedCrm.Governance.Approvals;

/// <summary>A call that did not run because its proposal waits in the approval queue.</summary>
/// <param name="ApprovalId">The approval id, to decide or look it up.</param>
/// <param name="Route">Who must decide.</param>
/// <param name="ApproverRole">The role an approver must hold, for a role route.</param>
/// <param name="ExpiresAt">When it expires if undecided.</param>
/// <param name="Reason">Why approval is needed.</param>
public sealed record ApprovalPending(string ApprovalId, ApprovalRoute Route, string? ApproverRole, DateTimeOffset ExpiresAt, string Reason)
{
    /// <summary>
    /// The proposal as it was when the call stopped waiting: still pending, or decided and finished (executed,
    /// failed, stale, rejected, expired) when a decision came within the configured wait.
    /// </summary>
    public ApprovalRequest? Latest { get; init; }
}
