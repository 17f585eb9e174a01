namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>
/// Registers the credentials step. Port: an <see cref="ICrmConnectionCheck"/> (required; a host whose tenants all use
/// a CRM that needs no per-user connection registers <see cref="NoConnectionNeeded.Instance"/>).
/// </summary>
public static class CredentialsStepRegistration
{
    /// <summary>Adds the credentials step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCredentialsStep(this IServiceCollection services) =>
        services.AddDefaultStep(CredentialsStep.StepName, sp => new CredentialsStep(
            sp.GetRequiredPort<ICrmConnectionCheck>(CredentialsStep.StepName)));
}
