namespace GovernedCrm.Governance.Approvals;

/// <summary>Where a proposal that needs approval is in its life.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for a decision.</summary>
    Pending,

    /// <summary>Approved (as proposed or edited); waiting to be executed.</summary>
    Approved,

    /// <summary>Rejected by an approver or declined by the requester.</summary>
    Rejected,

    /// <summary>Not decided before its expiry: denied.</summary>
    Expired,

    /// <summary>Claimed by the server for execution (exactly once).</summary>
    Executing,

    /// <summary>Executed with the approved values.</summary>
    Executed,

    /// <summary>Execution failed (the CRM refused or was unavailable).</summary>
    Failed,

    /// <summary>The record changed after the proposal: not executed; a new proposal is needed.</summary>
    Stale,
}
