using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Governance.Steps.Audit;

/// <summary>Registers the audit step. Port: an <see cref="IAuditTrail"/> (required).</summary>
public static class AuditStepRegistration
{
    /// <summary>Adds the audit step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAuditStep(this IServiceCollection services) =>
        services.AddDefaultStep(AuditStep.StepName, sp => new AuditStep(
            sp.GetRequiredPort<IAuditTrail>(AuditStep.StepName),
            sp.GetService<ILogger<AuditStep>>() ?? NullLogger<AuditStep>.Instance));
}
