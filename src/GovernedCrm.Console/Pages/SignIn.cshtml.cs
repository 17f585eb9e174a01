namespace GovernedCrm.AdminConsole.Pages;

/// <summary>The sign-in page: how to sign in on this server. It shows nothing of the data.</summary>
/// <param name="options">The console's options.</param>
public sealed class SignInModel(ConsoleOptions options) : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    /// <summary>True when sign-in is by OpenID Connect.</summary>
    public bool UsesOpenIdConnect => options.OpenIdConnect is not null;

    /// <summary>True after a failed OpenID Connect sign-in.</summary>
    public bool Failed { get; private set; }

    /// <summary>True after signing out.</summary>
    public bool SignedOut { get; private set; }

    /// <summary>Shows the page.</summary>
    /// <param name="failed">Set after a failed sign-in at the issuer.</param>
    /// <param name="signedout">Set after signing out.</param>
    public void OnGet(string? failed, string? signedout)
    {
        Failed = failed is not null;
        SignedOut = signedout is not null;
    }
}
