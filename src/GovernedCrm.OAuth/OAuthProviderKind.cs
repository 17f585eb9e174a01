namespace GovernedCrm.OAuth;

/// <summary>How the server talks to a CRM's authorization server.</summary>
public enum OAuthProviderKind
{
    /// <summary>An OpenID provider with discovery and ID tokens (Salesforce, any OIDC provider): driven by MSAL.</summary>
    Oidc,

    /// <summary>A plain OAuth 2.0 authorization server without discovery or ID token (HubSpot): authorization code + PKCE and refresh tokens.</summary>
    OAuth2,
}
