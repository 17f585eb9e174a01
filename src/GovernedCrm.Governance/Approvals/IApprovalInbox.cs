namespace GovernedCrm.Governance.Approvals;

/// <summary>Puts a proposal in the approval queue (persisted, audited as APPROVAL_REQUESTED).</summary>
public interface IApprovalInbox
{
    /// <summary>Stores the pending proposal and writes its audit entry.</summary>
    /// <param name="pending">The proposal.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The stored proposal.</returns>
    Task<ApprovalRequest> SubmitAsync(ApprovalRequest pending, CancellationToken cancellationToken);
}
