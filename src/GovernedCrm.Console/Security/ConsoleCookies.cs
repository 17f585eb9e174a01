namespace GovernedCrm.AdminConsole.Security;

/// <summary>
/// The attributes of the console's session and antiforgery cookies, set in one place so neither goes out with weaker
/// ones: HttpOnly, SameSite=Strict, Secure over HTTPS, and sent under <c>/console</c> only.
/// </summary>
internal static class ConsoleCookies
{
    /// <summary>Names <paramref name="cookie"/> and gives it the console's attributes.</summary>
    /// <param name="cookie">The cookie's settings.</param>
    /// <param name="name">Its name (<see cref="ConsoleSchemes"/>).</param>
    public static void Harden(CookieBuilder cookie, string name)
    {
        cookie.Name = name;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Strict;
        cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.Path = ConsoleOptions.BasePath;
    }
}
