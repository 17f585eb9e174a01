namespace GovernedCrm.AdminConsole.Security;

/// <summary>
/// The headers on every console response: a strict Content-Security-Policy (no script at all, styles and images
/// from the console only, forms post only to the console and the issuer, never framed), nosniff, no referrer (a
/// one-time link's token never leaks to another site), and no caching of pages that show proposals.
/// </summary>
internal sealed class ConsoleSecurityHeaders(RequestDelegate next, string contentSecurityPolicy)
{
    /// <summary>The policy for a console: <paramref name="issuer"/>'s origin is added to form-action, where a sign-in may redirect a form post.</summary>
    /// <param name="issuer">The OpenID Connect issuer, if any.</param>
    /// <returns>The header value.</returns>
    public static string Policy(string? issuer)
    {
        var formAction = "'self'";
        if (issuer is not null && Uri.TryCreate(issuer, UriKind.Absolute, out var uri))
        {
            formAction += " " + uri.GetLeftPart(UriPartial.Authority);
        }

        return $"default-src 'none'; style-src 'self'; img-src 'self'; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
    }

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        return next(context);
    }
}
