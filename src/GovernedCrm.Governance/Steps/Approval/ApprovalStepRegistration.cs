using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Steps.Approval;

/// <summary>
/// Registers the approval step. Ports: an <see cref="IApprovalInbox"/> (the queue) and an
/// <see cref="IApprovalEvidence"/> (the chain's decisions) are required, with the audit trail and the policy;
/// <see cref="ApprovalOptions"/> (default expiry and timeouts when absent) and an <see cref="IProposalReader"/> are optional.
/// </summary>
public static class ApprovalStepRegistration
{
    /// <summary>Adds the approval step to the default pipeline (between the policy and the write-ahead audit).</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApprovalStep(this IServiceCollection services) =>
        services.AddDefaultStep(ApprovalStep.StepName, sp => new ApprovalStep(
            sp.GetRequiredPort<IGovernancePolicy>(ApprovalStep.StepName),
            sp.GetRequiredPort<IApprovalInbox>(ApprovalStep.StepName),
            sp.GetRequiredPort<IAuditTrail>(ApprovalStep.StepName),
            sp.GetRequiredPort<TimeProvider>(ApprovalStep.StepName),
            sp.GetService<ApprovalOptions>() ?? new ApprovalOptions(),
            sp.GetService<IProposalReader>(),
            sp.GetRequiredPort<IApprovalEvidence>(ApprovalStep.StepName)));
}
