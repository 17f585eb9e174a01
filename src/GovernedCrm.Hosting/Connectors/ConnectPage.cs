using System.Net;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>The small HTML pages the connect flow shows a browser: a title and one sentence, HTML-encoded, never a token.</summary>
internal static class ConnectPage
{
    public static Task WriteAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)}</title></head>
            <body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>
            """;
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
