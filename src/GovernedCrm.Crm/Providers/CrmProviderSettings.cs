namespace GovernedCrm.Crm.Providers;

/// <summary>
/// One provider of the connectors file (<c>providers.NAME</c>): its type, its OAuth client and its API. Keys a provider
/// type does not use are refused by that type's <see cref="CrmProvider.Check"/>; keys the file leaves out take the
/// type's <see cref="CrmProvider.Defaults"/>.
/// </summary>
public sealed record CrmProviderSettings
{
    /// <summary>The provider type, a name in the <see cref="CrmProviderRegistry"/> (<c>hubspot</c>: OAuth 2.0 code + PKCE, CRM v3 API; <c>salesforce</c>: OpenID, REST API).</summary>
    public string? Type { get; init; }

    /// <summary>The OAuth client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The environment variable holding the client secret.</summary>
    public string? ClientSecretVariable { get; init; }

    /// <summary>The scopes to ask for.</summary>
    public List<string> Scopes { get; init; } = [];

    /// <summary>Plain OAuth 2.0 providers (HubSpot): the authorize page.</summary>
    public Uri? AuthorizeUrl { get; init; }

    /// <summary>Plain OAuth 2.0 providers (HubSpot): the token endpoint.</summary>
    public Uri? TokenUrl { get; init; }

    /// <summary>OpenID providers (Salesforce): the authority.</summary>
    public Uri? Authority { get; init; }

    /// <summary>The API base URL (HubSpot default <c>https://api.hubapi.com</c>; Salesforce: the token's instance URL unless set).</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>Salesforce: the REST API version (default <c>v60.0</c>).</summary>
    public string? ApiVersion { get; init; }
}
