namespace GovernedCrm.Crm.Remote;

/// <summary>What every remote connector's options have: which provider's tokens it asks for.</summary>
/// <param name="providerName">The default provider name (the provider type's own, e.g. <c>hubspot</c>).</param>
public abstract class RemoteCrmOptions(string providerName)
{
    /// <summary>The provider name the token source knows.</summary>
    public string ProviderName { get; set; } = providerName;
}
