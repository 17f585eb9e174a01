using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Governance.Steps.Policy;

/// <summary>
/// Registers the policy step. Port: an <see cref="IGovernancePolicy"/> (required). A decision that needs approval
/// goes to the approval step when one is registered, and is refused otherwise.
/// </summary>
public static class PolicyStepRegistration
{
    /// <summary>Adds the policy step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPolicyStep(this IServiceCollection services) =>
        services.AddDefaultStep(PolicyStep.StepName, sp => new PolicyStep(
            sp.GetRequiredPort<IGovernancePolicy>(PolicyStep.StepName),
            approvalsFollow: DefaultGovernancePipeline.HasStep(sp, ApprovalStep.StepName)));
}
