using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Policy;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Steps.Approval;

/// <summary>
/// Registers the approval step. Ports: an <see cref="IApprovalInbox"/> (the queue) and an
/// <see cref="IApprovalEvidence"/> (the chain's decisions) are required, with the audit trail and the policy;
/// <see cref="ApprovalOptions"/> (default expiry and timeouts when absent) and an <see cref="IProposalReader"/> are optional.
/// </summary>
public static class ApprovalStepRegistration
{
    /// <summary>What a host without an approval queue is told at startup.</summary>
    public const string MissingInbox =
        "No approval queue is registered: calls that need approval have nowhere to wait. Register an IApprovalInbox (ApprovalService over an IApprovalStore).";

    /// <summary>What a host without approval evidence is told at startup.</summary>
    public const string MissingEvidence =
        "No approval evidence is registered: approved proposals cannot be checked against the audit chain. Register an IApprovalEvidence (the audit chain's ChainApprovalEvidence).";

    /// <summary>Adds the approval step to the default pipeline (between the policy and the write-ahead audit).</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApprovalStep(this IServiceCollection services) =>
        services.AddDefaultStep(ApprovalStep.StepName, sp => new ApprovalStep(
            sp.GetRequiredPort<IGovernancePolicy>(ApprovalStep.StepName, PolicyStepRegistration.MissingPolicy),
            sp.GetRequiredPort<IApprovalInbox>(ApprovalStep.StepName, MissingInbox),
            sp.GetRequiredPort<IAuditTrail>(ApprovalStep.StepName, AuditStepRegistration.MissingTrail),
            sp.GetRequiredPort<TimeProvider>(ApprovalStep.StepName, "No clock is registered. Register a TimeProvider."),
            sp.GetService<ApprovalOptions>() ?? new ApprovalOptions(),
            sp.GetService<IProposalReader>(),
            sp.GetRequiredPort<IApprovalEvidence>(ApprovalStep.StepName, MissingEvidence)));
}
