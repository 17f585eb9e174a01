using GovernedCrm.Crm.Providers;

namespace GovernedCrm.Crm.Salesforce;

/// <summary>
/// The <c>salesforce</c> provider type: an OpenID client (MSAL, discovery at <c>authority</c>), and
/// <see cref="SalesforceCrmConnector"/> at the token's instance URL (else <c>apiBaseUrl</c>) with <c>apiVersion</c>.
/// </summary>
internal sealed class SalesforceProvider() : CrmProvider("salesforce", new() { Authority = SalesforceDefaults.Authority, ApiVersion = SalesforceDefaults.ApiVersion })
{
    public override CrmOAuthClient OAuthClient(CrmProviderSettings settings) =>
        CrmOAuthClient.OpenIdConnect(settings.Authority ?? SalesforceDefaults.Authority);

    public override ICrmConnector CreateConnector(string providerName, CrmProviderSettings settings, HttpClient http) =>
        new SalesforceCrmConnector(http, new SalesforceCrmOptions
        {
            InstanceUrl = settings.ApiBaseUrl,
            ApiVersion = settings.ApiVersion ?? SalesforceDefaults.ApiVersion,
            ProviderName = providerName,
        });

    protected override void CheckOwnSettings(string at, CrmProviderSettings settings, ICollection<string> errors)
    {
        if (settings.AuthorizeUrl is not null || settings.TokenUrl is not null)
        {
            errors.Add($"{at}: authorizeUrl and tokenUrl apply to hubspot providers only (salesforce uses OpenID discovery at its authority)");
        }
    }
}
