namespace GovernedCrm.Governance.Approvals;

/// <summary>One human decision on one proposal.</summary>
/// <param name="Id">The approval id.</param>
/// <param name="Approver">Who decides, as the policy resolved them (tenant and roles are checked).</param>
/// <param name="Approve">True to approve (or confirm), false to reject (or decline).</param>
/// <param name="EditedPropertiesJson">
/// For an approval: a JSON object of property values replacing the proposed ones (the rest are kept); null for none.
/// </param>
/// <param name="Note">The decider's note; required when rejecting.</param>
/// <param name="BulkId">The bulk decision this is part of, or null for a single decision.</param>
public sealed record ApprovalDecision(
    string Id,
    CallerIdentity Approver,
    bool Approve,
    string? EditedPropertiesJson,
    string? Note,
    string? BulkId)
{
    /// <summary>
    /// Who carried the decision for <see cref="Approver"/> when that is not an MCP client, e.g. <c>os:root</c> for the
    /// approvals CLI run by the OS user root (also when root acts for another user with <c>--as</c>). Written into the
    /// decision's audit entry as <see cref="GovernedCrm.Audit.Records.AuditRecord.OnBehalfOf"/>; null records nothing.
    /// </summary>
    public string? OnBehalfOf { get; init; }
}
