namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// Reads the decision on a proposal from the audit chain: the evidence an approved call is checked against before
/// it runs. The approval queue says what to run; only the chain says what was approved.
/// </summary>
public interface IApprovalEvidence
{
    /// <summary>Finds the entry that records the decision on <paramref name="request"/> in its tenant's chain.</summary>
    /// <param name="request">The proposal as the queue holds it (its decision sequence is a hint, not evidence).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decision entry (APPROVED or REJECTED naming this approval id), or null when the chain holds none.</returns>
    ValueTask<ApprovalDecisionEntry?> FindDecisionAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
