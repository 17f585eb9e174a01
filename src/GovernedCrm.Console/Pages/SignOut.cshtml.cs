using Microsoft.AspNetCore.Authentication;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>Ends the console session (a POST with the antiforgery token; a GET changes nothing).</summary>
public sealed class SignOutModel : ConsolePageModel
{
    /// <summary>Goes home.</summary>
    /// <returns>A redirect.</returns>
    public IActionResult OnGet() => LocalRedirect(ConsoleOptions.BasePath);

    /// <summary>Deletes the session cookie.</summary>
    /// <returns>A redirect to the sign-in page.</returns>
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSchemes.Cookie).ConfigureAwait(false);
        return LocalRedirect(ConsoleAuthentication.SignInPath + "?signedout=1");
    }
}
