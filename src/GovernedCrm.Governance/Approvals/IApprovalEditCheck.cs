namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// Re-checks a proposal whose values an approver edited, as if the requester had proposed the edited call: the
/// approver may not approve into something the policy denies the requester.
/// </summary>
public interface IApprovalEditCheck
{
    /// <summary>Decides the edited call.</summary>
    /// <param name="request">The proposal as stored (requester, tenant, tool).</param>
    /// <param name="editedArgumentsJson">The complete arguments with the edit merged in (JSON object).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>
    /// The policy's decision. <see cref="PolicyDecision.Deny"/> refuses the edit; allow and require-approval both let it
    /// through (this is the approval).
    /// </returns>
    ValueTask<PolicyDecision> CheckAsync(ApprovalRequest request, string editedArgumentsJson, CancellationToken cancellationToken);
}
