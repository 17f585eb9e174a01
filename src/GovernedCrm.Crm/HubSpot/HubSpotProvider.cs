using GovernedCrm.Crm.Providers;

namespace GovernedCrm.Crm.HubSpot;

/// <summary>
/// The <c>hubspot</c> provider type: a plain OAuth 2.0 client with PKCE at HubSpot's authorize and token endpoints
/// (<c>authorizeUrl</c>, <c>tokenUrl</c>), and <see cref="HubSpotCrmConnector"/> at <c>apiBaseUrl</c>.
/// </summary>
internal sealed class HubSpotProvider() : CrmProvider("hubspot", new()
{
    AuthorizeUrl = HubSpotDefaults.AuthorizeUrl,
    TokenUrl = HubSpotDefaults.TokenUrl,
    ApiBaseUrl = HubSpotDefaults.ApiBaseUrl,
})
{
    public override CrmOAuthClient OAuthClient(CrmProviderSettings settings) =>
        CrmOAuthClient.OAuth2Pkce(settings.AuthorizeUrl ?? HubSpotDefaults.AuthorizeUrl, settings.TokenUrl ?? HubSpotDefaults.TokenUrl);

    public override ICrmConnector CreateConnector(string providerName, CrmProviderSettings settings, HttpClient http) =>
        new HubSpotCrmConnector(http, new HubSpotCrmOptions { BaseAddress = settings.ApiBaseUrl ?? HubSpotDefaults.ApiBaseUrl, ProviderName = providerName });

    protected override void CheckOwnSettings(string at, CrmProviderSettings settings, ICollection<string> errors)
    {
        if (settings.Authority is not null || settings.ApiVersion is not null)
        {
            errors.Add($"{at}: authority and apiVersion apply to salesforce providers only");
        }
    }
}
