using System.Diagnostics.CodeAnalysis;
using GovernedCrm.Crm.HubSpot;
using GovernedCrm.Crm.Salesforce;

namespace GovernedCrm.Crm.Providers;

/// <summary>
/// The CRM provider types a connectors file may name, by type name, in registration order. Every provider-specific
/// decision (which settings are valid, their defaults, the OAuth client, the connector) is made by the registered
/// <see cref="CrmProvider"/>; nothing else switches on a provider. To add a provider: a folder with its connector,
/// options, defaults and <see cref="CrmProvider"/>, and one <c>Add</c> line in <see cref="BuiltIn"/>.
/// </summary>
public sealed class CrmProviderRegistry
{
    private readonly List<CrmProvider> _providers = [];

    /// <summary>The providers shipped with the server.</summary>
    /// <returns>A new registry holding them.</returns>
    public static CrmProviderRegistry BuiltIn() => new CrmProviderRegistry()
        .Add(new HubSpotProvider())
        .Add(new SalesforceProvider());

    /// <summary>The registered type names, in registration order.</summary>
    public IReadOnlyList<string> Types => _providers.Select(p => p.Type).ToList();

    /// <summary>The registered providers, in registration order.</summary>
    public IReadOnlyList<CrmProvider> Providers => _providers;

    /// <summary>Registers a provider type.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">A provider of that type is registered already.</exception>
    public CrmProviderRegistry Add(CrmProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (TryGet(provider.Type, out _))
        {
            throw new ArgumentException($"A CRM provider of type '{provider.Type}' is registered already.", nameof(provider));
        }

        _providers.Add(provider);
        return this;
    }

    /// <summary>Finds a provider type by its exact (case-sensitive) name.</summary>
    /// <param name="type">The type name.</param>
    /// <param name="provider">The provider, when found.</param>
    /// <returns>Whether the type is registered.</returns>
    public bool TryGet(string? type, [NotNullWhen(true)] out CrmProvider? provider)
    {
        provider = _providers.FirstOrDefault(p => string.Equals(p.Type, type, StringComparison.Ordinal));
        return provider is not null;
    }
}
