namespace GovernedCrm.Governance.Steps.RecordContext;

/// <summary>Registers the record-context step. Port: an <see cref="IRecordContextReader"/> (required).</summary>
public static class RecordContextStepRegistration
{
    /// <summary>Adds the record-context step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRecordContextStep(this IServiceCollection services) =>
        services.AddDefaultStep(RecordContextStep.StepName, sp => new RecordContextStep(
            sp.GetRequiredPort<IRecordContextReader>(RecordContextStep.StepName)));
}
