namespace GovernedCrm.Crm.Providers;

/// <summary>How the server is an OAuth client of a CRM provider.</summary>
public enum CrmOAuthProtocol
{
    /// <summary>An OpenID provider with discovery at its authority (Salesforce): driven by MSAL.</summary>
    OpenIdConnect,

    /// <summary>A plain OAuth 2.0 authorization server (HubSpot): authorization code + PKCE at given endpoints, refresh tokens.</summary>
    OAuth2Pkce,
}
