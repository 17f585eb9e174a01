namespace GovernedCrm.Governance.Approvals;

/// <summary>Puts a proposal in the approval queue (persisted, audited as APPROVAL_REQUESTED).</summary>
public interface IApprovalInbox
{
    /// <summary>Stores the pending proposal and writes its audit entry.</summary>
    /// <param name="pending">The proposal.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The stored proposal.</returns>
    Task<ApprovalRequest> SubmitAsync(ApprovalRequest pending, CancellationToken cancellationToken);

    /// <summary>Reads a proposal of the viewer's tenant, as it is now (to wait for its decision).</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="viewer">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposal, or null.</returns>
    Task<ApprovalRequest?> FindAsync(string id, Identity.CallerIdentity viewer, CancellationToken cancellationToken);
}
