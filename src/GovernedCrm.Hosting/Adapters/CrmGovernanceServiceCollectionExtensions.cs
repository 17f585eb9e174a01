using GovernedCrm.Governance.Steps.RecordContext;
using GovernedCrm.Governance.Steps.WriteAheadAudit;
using GovernedCrm.Governance.Tools;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>Registers the governance ports the CRM provides: the record the policy sees, the proposal's before values, the approver's edit check.</summary>
public static class CrmGovernanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers, over the host's <see cref="ICrmConnector"/>: the record-context reader (<see cref="CrmRecordContextReader"/>),
    /// the proposal reader (<see cref="CrmProposalReader"/>) and the approval edit check
    /// (<see cref="PolicyApprovalEditCheck"/>, over the policy and the governed tools). What the host registered
    /// itself is kept.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCrmGovernance(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRecordContextReader, CrmRecordContextReader>();
        services.TryAddSingleton<IProposalReader, CrmProposalReader>();
        services.TryAddSingleton<IApprovalEditCheck>(sp => new PolicyApprovalEditCheck(
            sp.GetRequiredService<IGovernancePolicy>(),
            sp.GetService<ICallerDirectory>() ?? PassThroughDirectory.Instance,
            sp.GetRequiredService<GovernedToolCatalog>(),
            sp.GetRequiredService<IRecordContextReader>(),
            sp.GetRequiredService<TimeProvider>())
        {
            Crm = sp.GetService<ICrmConnector>(),
        });
        return services;
    }

    private sealed class PassThroughDirectory : ICallerDirectory
    {
        public static PassThroughDirectory Instance { get; } = new();

        public CallerIdentity? Resolve(CallerIdentity caller) => caller;
    }
}
