using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>Finds the ports (host services) the governance steps need.</summary>
public static class GovernancePortLookup
{
    /// <summary>
    /// The registered <typeparamref name="TPort"/>, one of <see cref="RequiredPorts.Ports"/>; without one, the host stops
    /// at startup with its <see cref="RequiredPorts.MissingMessage"/>.
    /// </summary>
    /// <typeparam name="TPort">The port's type.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="step">The step that needs it (named in the message).</param>
    /// <returns>The port.</returns>
    /// <exception cref="GovernanceConfigurationException">No <typeparamref name="TPort"/> is registered.</exception>
    public static TPort GetRequiredPort<TPort>(this IServiceProvider services, string step)
        where TPort : class =>
        services.GetRequiredPort<TPort>(step, RequiredPorts.MissingMessage(typeof(TPort)));

    /// <summary>The registered <typeparamref name="TPort"/>; without one, the host stops at startup with <paramref name="missing"/>.</summary>
    /// <typeparam name="TPort">The port's type.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="step">The step that needs it (named in the message).</param>
    /// <param name="missing">What is missing and how to provide it, e.g. "No audit trail is registered: ...".</param>
    /// <returns>The port.</returns>
    /// <exception cref="GovernanceConfigurationException">No <typeparamref name="TPort"/> is registered.</exception>
    public static TPort GetRequiredPort<TPort>(this IServiceProvider services, string step, string missing)
        where TPort : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<TPort>() ?? throw new GovernanceConfigurationException(
            $"{missing} (the governance step '{step}' needs an {typeof(TPort).Name}; the server does not start without it)");
    }
}
