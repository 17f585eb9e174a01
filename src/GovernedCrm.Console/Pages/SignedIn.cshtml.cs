namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// Where the identity provider's redirect ends: a page of the console itself that moves on to the page asked for.
/// The session cookie is SameSite=Strict, so a browser does not send it at the end of a redirect chain that started
/// on the issuer's site; the next request, made from this page, is same-site and carries it. It shows nothing.
/// </summary>
public sealed class SignedInModel : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    /// <summary>The console page to go to.</summary>
    public string Next { get; private set; } = ConsoleOptions.BasePath;

    /// <summary>Shows the page.</summary>
    /// <param name="to">The page asked for before signing in (a console path; anything else goes home).</param>
    public void OnGet(string? to) => Next = ConsoleAuthentication.LocalReturn(to);
}
