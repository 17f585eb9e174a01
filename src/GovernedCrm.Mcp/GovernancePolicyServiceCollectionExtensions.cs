namespace GovernedCrm.Mcp;

/// <summary>Registers the policy every governed call is decided by.</summary>
public static class GovernancePolicyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="policy"/> as the policy, and, when it provides them, as the user directory that
    /// completes callers' identities (roles, tenant) and as the source of limits. Call before AddGovernance/
    /// WithGovernedTools, which otherwise install the allow-all policy.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="policy">The policy, e.g. an ActivePolicy over a loaded policy file.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGovernancePolicy(this IServiceCollection services, IGovernancePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(policy);
        services.AddSingleton(policy);
        if (policy is ICallerDirectory directory)
        {
            services.AddSingleton(directory);
        }

        return services;
    }

    /// <summary>As <see cref="AddGovernancePolicy(IServiceCollection, IGovernancePolicy)"/>, with the policy made from the services (for its clock).</summary>
    /// <param name="services">The services.</param>
    /// <param name="factory">Makes the policy.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGovernancePolicy(this IServiceCollection services, Func<IServiceProvider, IGovernancePolicy> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(factory);
        services.AddSingleton(sp => sp.GetRequiredService<IGovernancePolicy>() as ICallerDirectory ?? NoDirectory.Instance);
        return services;
    }

    private sealed class NoDirectory : ICallerDirectory
    {
        public static NoDirectory Instance { get; } = new();

        public GovernedCrm.Governance.Identity.CallerIdentity? Resolve(GovernedCrm.Governance.Identity.CallerIdentity caller) => caller;
    }
}
