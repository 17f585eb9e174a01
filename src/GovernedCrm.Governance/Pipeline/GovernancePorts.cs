using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// What the default pipeline's steps need from the host. The audit trail and the policy are required; without a
/// connection check there is no credentials step (no remote CRM), without a record reader no record-context step
/// (no record to read), without approvals no approval step (a call that needs approval is then refused).
/// </summary>
public sealed record GovernancePorts
{
    /// <summary>The audit trail (required: there is no governed call without one).</summary>
    public required IAuditTrail AuditTrail { get; init; }

    /// <summary>The policy in force.</summary>
    public required IGovernancePolicy Policy { get; init; }

    /// <summary>The clock.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>Logs audit entries that could not be written after the fact.</summary>
    public required ILogger<AuditStep> AuditLogger { get; init; }

    /// <summary>Checks the caller's own CRM connection (tenants on a remote CRM).</summary>
    public ICrmConnectionCheck? Connections { get; init; }

    /// <summary>Reads the targeted record for the policy.</summary>
    public IRecordContextReader? Records { get; init; }

    /// <summary>Reads before and proposed values of writes, for the approval and write-ahead entries.</summary>
    public IProposalReader? Proposals { get; init; }

    /// <summary>The approval queue, its settings and the chain's evidence, when approvals are installed.</summary>
    public ApprovalPorts? Approvals { get; init; }
}

/// <summary>What the approval step needs.</summary>
/// <param name="Inbox">The approval queue.</param>
/// <param name="Options">Expiry, confirmation timeout, decision wait.</param>
/// <param name="Evidence">Reads decisions from the audit chain (required: no approved call runs without it).</param>
public sealed record ApprovalPorts(IApprovalInbox Inbox, ApprovalOptions Options, IApprovalEvidence Evidence);
