namespace GovernedCrm.Governance.Approvals;

/// <summary>How long proposals wait and how long a requester is given to answer a confirmation.</summary>
public sealed class ApprovalSettings
{
    /// <summary>A pending proposal not decided within this time expires (denied and audited). Default 24 h.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long the server waits for the requester's answer before queueing the proposal. Default 5 min.</summary>
    public TimeSpan ConfirmationTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
