namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>
/// Registers the credentials step. Port: an <see cref="ICrmConnectionCheck"/> (required; a host whose tenants all use
/// a CRM that needs no per-user connection registers <see cref="NoConnectionNeeded.Instance"/>).
/// </summary>
public static class CredentialsStepRegistration
{
    /// <summary>What a host without a connection check is told at startup.</summary>
    public const string MissingCheck =
        "No CRM connection check is registered: the credentials step cannot tell whether a caller is connected to their CRM. Register an ICrmConnectionCheck (NoConnectionNeeded.Instance when every tenant uses the embedded CRM).";

    /// <summary>Adds the credentials step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCredentialsStep(this IServiceCollection services) =>
        services.AddDefaultStep(CredentialsStep.StepName, sp => new CredentialsStep(
            sp.GetRequiredPort<ICrmConnectionCheck>(CredentialsStep.StepName, MissingCheck)));
}
