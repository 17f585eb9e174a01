namespace GovernedCrm.Governance.Steps.RecordContext;

/// <summary>Registers the record-context step. Port: an <see cref="IRecordContextReader"/> (required).</summary>
public static class RecordContextStepRegistration
{
    /// <summary>What a host without a record reader is told at startup.</summary>
    public const string MissingReader =
        "No record context reader is registered: the policy cannot see the targeted record (its tenant, its current values). Register an IRecordContextReader (GovernedCrm.Hosting's AddCrmGovernance registers the CRM's).";

    /// <summary>Adds the record-context step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRecordContextStep(this IServiceCollection services) =>
        services.AddDefaultStep(RecordContextStep.StepName, sp => new RecordContextStep(
            sp.GetRequiredPort<IRecordContextReader>(RecordContextStep.StepName, MissingReader)));
}
