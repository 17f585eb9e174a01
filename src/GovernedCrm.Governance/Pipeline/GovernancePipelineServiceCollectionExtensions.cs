using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>Registers the governance pipeline: the default steps (each by its folder's <c>Add…Step</c>) and the host's own.</summary>
public static class GovernancePipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="GovernancePipeline"/> with the default steps: audit, validation, credentials,
    /// record context, policy and write-ahead audit (the approval step comes with the approval queue:
    /// <see cref="Steps.Approval.ApprovalStepRegistration.AddApprovalStep"/>), in
    /// <see cref="DefaultGovernancePipeline.StepOrder"/>. The host registers the ports: an IAuditTrail, an
    /// ICrmConnectionCheck, an IRecordContextReader and an IGovernancePolicy are required (a missing one stops the
    /// host when the pipeline is built, at startup); an IProposalReader is optional. Idempotent.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGovernancePipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PipelineMarker)))
        {
            return services;
        }

        services.AddSingleton<PipelineMarker>();
        services.TryAddSingleton(TimeProvider.System);
        DefaultGovernancePipeline.AddSteps(services);
        services.TryAddSingleton(sp => DefaultGovernancePipeline.Create(sp).Build());
        return services;
    }

    /// <summary>
    /// Adds a governance step of the host's own right after the named step. It runs for every governed call: live
    /// calls and approved proposals alike. An unknown step name stops the host at startup.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="after">The step it follows, e.g. "policy" (<see cref="DefaultGovernancePipeline.StepOrder"/>).</param>
    /// <param name="create">Creates the step.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGovernanceStep(this IServiceCollection services, string after, Func<IServiceProvider, IGovernanceStep> create)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new GovernanceStepRegistration(after, create));
        return services.AddGovernancePipeline();
    }

    /// <summary>Registers a default step (called by each step folder's <c>Add…Step</c>); registering it again replaces it.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The step's name, one of <see cref="DefaultGovernancePipeline.StepOrder"/>.</param>
    /// <param name="create">Makes the step, asking for its ports.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddDefaultStep(this IServiceCollection services, string name, Func<IServiceProvider, IGovernanceStep> create)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!DefaultGovernancePipeline.StepOrder.Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a step of the default pipeline ({string.Join(", ", DefaultGovernancePipeline.StepOrder)}).", nameof(name));
        }

        foreach (var existing in services.Where(d => d.ServiceType == typeof(DefaultStepRegistration) && d.ImplementationInstance is DefaultStepRegistration r && r.Name == name).ToList())
        {
            services.Remove(existing);
        }

        services.AddSingleton(new DefaultStepRegistration(name, create));
        return services;
    }

    private sealed class PipelineMarker;
}
