using GovernedCrm.Crm.Providers;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>A checked connectors file, secrets resolved.</summary>
/// <param name="Providers">The providers by name.</param>
/// <param name="Tenants">The provider of each remote tenant.</param>
/// <param name="PublicUrl">The public base URL for connect links, if set.</param>
/// <param name="SignIn">The connect page's sign-in, if set.</param>
/// <param name="TrustedCertificates">Extra PEM roots for this server's OAuth and CRM HTTP clients.</param>
internal sealed record ConnectorsConfiguration(
    IReadOnlyDictionary<string, ProviderConfiguration> Providers,
    IReadOnlyDictionary<string, string> Tenants,
    Uri? PublicUrl,
    SignInConfiguration? SignIn,
    IReadOnlyList<string> TrustedCertificates);

/// <summary>One provider with its registered type and client secret.</summary>
/// <param name="Name">The provider name.</param>
/// <param name="Kind">The registered provider type its <c>type</c> names: builds its OAuth client and connector.</param>
/// <param name="Settings">What the file says.</param>
/// <param name="ClientSecret">The client secret from the environment.</param>
internal sealed record ProviderConfiguration(string Name, CrmProvider Kind, CrmProviderSettings Settings, string ClientSecret)
{
    /// <summary>Never the secret.</summary>
    /// <returns>The provider's name and type.</returns>
    public override string ToString() => $"{Name} ({Settings.Type})";
}

/// <summary>The connect page's sign-in client.</summary>
/// <param name="Authority">The OpenID authority.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret from the environment.</param>
internal sealed record SignInConfiguration(Uri Authority, string ClientId, string ClientSecret)
{
    /// <summary>Never the secret.</summary>
    /// <returns>The authority and client id.</returns>
    public override string ToString() => $"{Authority} ({ClientId})";
}
