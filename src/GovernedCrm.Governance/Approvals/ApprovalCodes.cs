namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// The stable codes of a refused approval decision. They appear in decision results, on the CLI
/// (<c>governed-crm: refused: CODE: message</c>) and in the docs; never rename one.
/// </summary>
public static class ApprovalCodes
{
    /// <summary>Every approval code starts with this.</summary>
    public const string Prefix = "approval.";

    /// <summary>No such approval in the decider's tenant (another tenant's proposal is never revealed).</summary>
    public const string NotFound = "approval.not_found";

    /// <summary>The approval is no longer pending; the message says its current status.</summary>
    public const string NotPending = "approval.not_pending";

    /// <summary>The approval expired before the decision: it is now expired (denied).</summary>
    public const string Expired = "approval.expired";

    /// <summary>The requester tried to approve their own proposal on a role route (even when holding the role).</summary>
    public const string SelfApproval = "approval.self_approval";

    /// <summary>The decider does not hold the role the proposal's route requires.</summary>
    public const string NotApprover = "approval.not_approver";

    /// <summary>On a requester route only the requester may confirm or decline.</summary>
    public const string NotRequester = "approval.not_requester";

    /// <summary>The approver's edited values are denied by the policy; the message names the policy's denial code.</summary>
    public const string EditDenied = "approval.edit_denied";

    /// <summary>Another decider won the race: the proposal was decided meanwhile.</summary>
    public const string AlreadyDecided = "approval.already_decided";

    /// <summary>A rejection needs a reason.</summary>
    public const string ReasonRequired = "approval.reason_required";

    /// <summary>The edit is not a JSON object of properties (or the proposal has no properties to edit).</summary>
    public const string InvalidEdit = "approval.invalid_edit";

    /// <summary>
    /// An approved proposal about to run does not match the decision recorded in the audit chain (no decision entry
    /// for it, another approver, other arguments): the approval queue was changed outside the server. Nothing runs.
    /// </summary>
    public const string EvidenceMismatch = "approval.evidence_mismatch";

    /// <summary>The record changed after the approver saw it, so the approved change did not run.</summary>
    public const string Stale = "approval.stale";

    /// <summary>A bulk decision was refused as a whole because at least one of its proposals was refused.</summary>
    public const string BatchRefused = "approval.batch_refused";
}
