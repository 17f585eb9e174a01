namespace GovernedCrm.AdminConsole.Security;

/// <summary>The console's authentication schemes, authorization policy, cookies and claims: its own, apart from the MCP endpoint's bearer tokens.</summary>
public static class ConsoleSchemes
{
    /// <summary>The session cookie's scheme.</summary>
    public const string Cookie = "governedcrm.console";

    /// <summary>The OpenID Connect scheme (only with an issuer).</summary>
    public const string OpenIdConnect = "governedcrm.console.oidc";

    /// <summary>The authorization policy on every console page but the sign-in ones.</summary>
    public const string Policy = "governedcrm.console";

    /// <summary>The session cookie's name.</summary>
    public const string SessionCookie = "governedcrm_console";

    /// <summary>The antiforgery cookie's name.</summary>
    public const string AntiforgeryCookie = "governedcrm_console_csrf";

    /// <summary>The antiforgery form field.</summary>
    public const string AntiforgeryField = "__csrf";

    /// <summary>Holds a one-time link's token between opening the link and pressing "Sign in" (never rendered).</summary>
    public const string LinkCookie = "governedcrm_console_link";

    /// <summary>Where the identity provider sends the browser back.</summary>
    public const string CallbackPath = ConsoleOptions.BasePath + "/signin-oidc";

    /// <summary>The claim naming the policy user of a session opened with a one-time link.</summary>
    public const string LinkUserClaim = "governedcrm_link_user";

    /// <summary>The claim saying how the session was opened: <c>oidc</c> or <c>link</c>.</summary>
    public const string MethodClaim = "governedcrm_signin";
}
