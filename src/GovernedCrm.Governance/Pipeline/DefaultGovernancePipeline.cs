using GovernedCrm.Governance.Steps.Approval;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Credentials;
using GovernedCrm.Governance.Steps.Policy;
using GovernedCrm.Governance.Steps.RecordContext;
using GovernedCrm.Governance.Steps.Validation;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// The default order of the governance steps, declared once (docs/architecture.md lists it, and a test holds
/// the documentation against the server's pipeline). Every call runs them in this order, live or approved. Each
/// step lives in a folder of its own under Steps/, with its ports and its <c>Add…Step</c> registration.
/// </summary>
public static class DefaultGovernancePipeline
{
    /// <summary>The names of the steps, in the order they run.</summary>
    public static IReadOnlyList<string> StepOrder { get; } =
    [
        AuditStep.StepName,
        ArgumentValidationStep.StepName,
        CredentialsStep.StepName,
        RecordContextStep.StepName,
        PolicyStep.StepName,
        ApprovalStep.StepName,
        WriteAheadAuditStep.StepName,
    ];

    /// <summary>
    /// Registers the steps every host has, each by its folder's <c>Add…Step</c>: all of <see cref="StepOrder"/> but the
    /// approval step, which comes with the approval queue (<see cref="ApprovalStepRegistration.AddApprovalStep"/>).
    /// </summary>
    /// <param name="services">The host's services.</param>
    internal static void AddSteps(IServiceCollection services) =>
        services
            .AddAuditStep()
            .AddValidationStep()
            .AddCredentialsStep()
            .AddRecordContextStep()
            .AddPolicyStep()
            .AddWriteAheadAuditStep();

    /// <summary>
    /// A builder holding the registered default steps (<see cref="DefaultStepRegistration"/>) in
    /// <see cref="StepOrder"/>, then the host's own steps (<see cref="GovernanceStepRegistration"/>) each right
    /// after the step it names. Making a step asks for its ports: a missing required port throws
    /// <see cref="Tools.GovernanceConfigurationException"/> naming it.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The builder.</returns>
    public static GovernancePipelineBuilder Create(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.GetServices<DefaultStepRegistration>().ToList();
        var steps = new GovernancePipelineBuilder();
        foreach (var name in StepOrder)
        {
            if (registered.LastOrDefault(r => r.Name == name) is { } step)
            {
                steps.AddStep(step.Create(services));
            }
        }

        foreach (var extra in services.GetServices<GovernanceStepRegistration>())
        {
            steps.InsertAfter(extra.After, extra.Create(services));
        }

        return steps;
    }

    /// <summary>True when the host registered the named default step (the policy step asks whether approvals follow it).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The step's name.</param>
    /// <returns>True when registered.</returns>
    public static bool HasStep(IServiceProvider services, string name) =>
        services.GetServices<DefaultStepRegistration>().Any(r => r.Name == name);
}
