namespace GovernedCrm.Governance.Steps.WriteAheadAudit;

/// <summary>
/// Registers the write-ahead audit step. Ports: an <see cref="IAuditTrail"/> (required) and an
/// <see cref="IProposalReader"/> (optional: without it the PROPOSED entry has no before values).
/// </summary>
public static class WriteAheadAuditStepRegistration
{
    /// <summary>Adds the write-ahead audit step to the default pipeline.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWriteAheadAuditStep(this IServiceCollection services) =>
        services.AddDefaultStep(WriteAheadAuditStep.StepName, sp => new WriteAheadAuditStep(
            sp.GetRequiredPort<IAuditTrail>(WriteAheadAuditStep.StepName),
            sp.GetService<IProposalReader>()));
}
