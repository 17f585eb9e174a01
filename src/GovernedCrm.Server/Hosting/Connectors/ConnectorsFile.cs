namespace GovernedCrm.Server.Hosting.Connectors;

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

    /// <summary>The CRM providers by name.</summary>
    public Dictionary<string, ProviderSettings> Providers { get; init; } = [];

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

/// <summary>One CRM provider: its kind, its OAuth client and its API.</summary>
internal sealed record ProviderSettings
{
    /// <summary><c>hubspot</c> (OAuth 2.0 code + PKCE, CRM v3 API) or <c>salesforce</c> (OpenID, REST API).</summary>
    public string? Type { get; init; }

    /// <summary>The OAuth client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The environment variable holding the client secret.</summary>
    public string? ClientSecretVariable { get; init; }

    /// <summary>The scopes to ask for.</summary>
    public List<string> Scopes { get; init; } = [];

    /// <summary>HubSpot: the authorize page (default HubSpot's).</summary>
    public Uri? AuthorizeUrl { get; init; }

    /// <summary>HubSpot: the token endpoint (default HubSpot's).</summary>
    public Uri? TokenUrl { get; init; }

    /// <summary>Salesforce: the OpenID authority (default <c>https://login.salesforce.com</c>).</summary>
    public Uri? Authority { get; init; }

    /// <summary>The API base URL (HubSpot default <c>https://api.hubapi.com</c>; Salesforce: the token's instance URL unless set).</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>Salesforce: the REST API version (default <c>v60.0</c>).</summary>
    public string? ApiVersion { get; init; }
}
