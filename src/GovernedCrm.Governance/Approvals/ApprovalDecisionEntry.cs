namespace GovernedCrm.Governance.Approvals;

/// <summary>The audit entry that records a decision on a proposal, as read back from the chain.</summary>
/// <param name="Sequence">Its position in the tenant's chain.</param>
/// <param name="Timestamp">When the chain sequenced it.</param>
/// <param name="Record">What it says.</param>
/// <param name="RunAt">
/// The position of an entry after the decision that already records a run of this approval (its PROPOSED entry),
/// or null: an approval runs once, whatever the queue says.
/// </param>
public sealed record ApprovalDecisionEntry(long Sequence, DateTimeOffset Timestamp, AuditRecord Record, long? RunAt = null)
{
    /// <summary>The outcome suffix that names the approval a decision entry is about.</summary>
    public const string ApprovalTag = AuditOutcomeTags.Approval;

    /// <summary>Whether the entry names <paramref name="approvalId"/> (its outcome ends with the approval tag and id).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <returns>True when it does.</returns>
    public bool Names(string approvalId) =>
        Record.Outcome is { } outcome && outcome.EndsWith(ApprovalTag + approvalId, StringComparison.Ordinal);
}
