namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>Registers the validation step (arguments against the tool's input schema). It needs no port.</summary>
public static class ValidationStepRegistration
{
    /// <summary>Adds the validation step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddValidationStep(this IServiceCollection services) =>
        services.AddDefaultStep(ArgumentValidationStep.StepName, _ => new ArgumentValidationStep());
}
