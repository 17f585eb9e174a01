using System.Security.Claims;
using GovernedCrm.AdminConsole.SignIn;
using GovernedCrm.Store.ConsoleLinks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// Signs in with a one-time link (servers without an issuer). Opening the link only moves its token into a short-lived
/// HttpOnly cookie and drops it from the address bar; the session opens on the POST of the "Sign in" button, which
/// uses the link up in one statement (so a link preview or a prefetch cannot use it, and a second use fails). A link
/// that is unknown, used, or expired is refused with <c>console.link_invalid</c> or <c>console.link_expired</c>; both
/// are audited.
/// </summary>
/// <param name="options">The console's options.</param>
/// <param name="links">The link store.</param>
/// <param name="callers">Resolves the link's user through the policy.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="time">The clock.</param>
public sealed class LinkModel(ConsoleOptions options, SqliteConsoleLinkStore links, ConsoleCaller callers, IAuditTrail audit, TimeProvider time) : PageModel
{
    /// <summary>A link that is unknown or used already.</summary>
    public const string InvalidCode = "console.link_invalid";

    /// <summary>A link past its expiry.</summary>
    public const string ExpiredCode = "console.link_expired";

    /// <summary>A link for a user the policy does not know (any more).</summary>
    public const string UnknownUserCode = "console.unknown_user";

    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(10);

    /// <summary>True on a server without an issuer.</summary>
    public bool Enabled => options.OpenIdConnect is null;

    /// <summary>Why sign-in was refused, if it was.</summary>
    public (string Code, string Message)? Refusal { get; private set; }

    /// <summary>Takes the token out of the address, or shows the button.</summary>
    /// <param name="token">The link's token, when the link itself is opened.</param>
    /// <returns>A redirect or the page.</returns>
    public IActionResult OnGet(string? token)
    {
        if (!Enabled)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        if (token is not null)
        {
            Response.Cookies.Append(ConsoleSchemes.LinkCookie, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = Request.IsHttps,
                Path = ConsoleLinkTokens.Path,
                MaxAge = Hold,
            });
            return new RedirectResult(ConsoleLinkTokens.Path, permanent: false, preserveMethod: false);
        }

        return Page();
    }

    /// <summary>Uses the link and opens the session.</summary>
    /// <returns>A redirect to the console, or the page with the refusal.</returns>
    public async Task<IActionResult> OnPostAsync()
    {
        if (!Enabled)
        {
            return NotFound();
        }

        var token = Request.Cookies[ConsoleSchemes.LinkCookie];
        Response.Cookies.Delete(ConsoleSchemes.LinkCookie, new CookieOptions { Path = ConsoleLinkTokens.Path, Secure = Request.IsHttps, SameSite = SameSiteMode.Strict, HttpOnly = true });
        var link = ConsoleLinkTokens.IsWellFormed(token)
            ? await links.TryConsumeAsync(ConsoleLinkTokens.Hash(token!), HttpContext.RequestAborted).ConfigureAwait(false)
            : null;
        if (link is null)
        {
            return await RefuseAsync(CallerIdentity.DefaultTenant, "anonymous", InvalidCode, "This sign-in link is not valid: it was used already, or never issued.").ConfigureAwait(false);
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ConsoleSchemes.LinkUserClaim, link.User), new Claim(ConsoleSchemes.MethodClaim, "link")], ConsoleSchemes.Cookie, ConsoleSchemes.LinkUserClaim, null));
        var user = callers.ResolveLinkUser(link.User);
        if (time.GetUtcNow() >= link.ExpiresAt)
        {
            return await RefuseAsync(user?.Tenant ?? CallerIdentity.DefaultTenant, link.User, ExpiredCode, "This sign-in link has expired.").ConfigureAwait(false);
        }

        if (user is null)
        {
            return await RefuseAsync(CallerIdentity.DefaultTenant, link.User, UnknownUserCode, "The policy does not know the user of this link.").ConfigureAwait(false);
        }

        await HttpContext.SignInAsync(ConsoleSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
        return new RedirectResult(ConsoleOptions.BasePath, permanent: false, preserveMethod: false);
    }

    private async Task<IActionResult> RefuseAsync(string tenant, string actor, string code, string message)
    {
        await audit.AppendAsync(ConsoleAuditRecords.SignInRefused(tenant, actor, code), HttpContext.RequestAborted).ConfigureAwait(false);
        Refusal = (code, message);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
