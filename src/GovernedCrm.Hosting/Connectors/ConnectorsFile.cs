using GovernedCrm.Crm.Providers;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// The connectors file (<c>--connectors FILE</c>, env <c>GOVERNEDCRM_CONNECTORS</c>): which tenants use a remote CRM
/// (HubSpot, Salesforce) instead of the embedded one, the OAuth client of each provider, and for HTTP deployments the
/// sign-in used by the connect page. Secrets are never in the file: it names the environment variables holding them.
/// </summary>
internal sealed record ConnectorsFile
{
    /// <summary>The server's public base URL, for connect links (default: the first --urls value).</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>The identity provider the connect page signs browsers in with (default: the bearer-token issuer).</summary>
    public SignInSettings? SignIn { get; init; }

    /// <summary>The CRM providers by name; each <c>type</c> is a name in the <see cref="CrmProviderRegistry"/>.</summary>
    public Dictionary<string, CrmProviderSettings> Providers { get; init; } = [];

    /// <summary>The provider each remote tenant uses; tenants not listed use the embedded CRM.</summary>
    public Dictionary<string, string> Tenants { get; init; } = [];

    /// <summary>PEM certificate files trusted, in addition to the system's roots, by this server's OAuth and CRM HTTP clients only.</summary>
    public List<string> TrustedCertificates { get; init; } = [];
}

/// <summary>The OpenID provider the connect page signs browsers in with, to check they are the user who asked.</summary>
internal sealed record SignInSettings
{
    /// <summary>The OpenID authority (HTTPS).</summary>
    public Uri? Authority { get; init; }

    /// <summary>This server's client id there.</summary>
    public string? ClientId { get; init; }

    /// <summary>The environment variable holding the client secret.</summary>
    public string? ClientSecretVariable { get; init; }
}
