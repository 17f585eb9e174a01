using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Governance.Steps.Audit;

/// <summary>Registers the audit step. Port: an <see cref="IAuditTrail"/> (required).</summary>
public static class AuditStepRegistration
{
    /// <summary>What a host without an audit trail is told at startup.</summary>
    public const string MissingTrail =
        "No audit trail is registered: governed tools cannot run without one. Register an IAuditTrail (GovernedCrm.Audit's AuditWriter).";

    /// <summary>Adds the audit step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAuditStep(this IServiceCollection services) =>
        services.AddDefaultStep(AuditStep.StepName, sp => new AuditStep(
            sp.GetRequiredPort<IAuditTrail>(AuditStep.StepName, MissingTrail),
            sp.GetService<ILogger<AuditStep>>() ?? NullLogger<AuditStep>.Instance));
}
