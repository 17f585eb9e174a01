using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.AdminConsole;

/// <summary>Serves the admin console at <c>/console</c>.</summary>
public static class ConsoleEndpointRouteBuilderExtensions
{
    /// <summary>The stylesheet's path (the console's only asset, embedded in this assembly).</summary>
    public const string StylesheetPath = ConsoleOptions.BasePath + "/console.css";

    /// <summary>
    /// Maps the console's pages and stylesheet, and, for requests under <c>/console</c> only, its security headers,
    /// authentication and authorization. Call after <c>UseRouting</c> and before anything that may answer for
    /// <c>/console</c> itself.
    /// </summary>
    /// <param name="app">The application (after <see cref="ConsoleServiceCollectionExtensions.AddGovernedCrmConsole"/>).</param>
    /// <returns>The application.</returns>
    public static WebApplication MapGovernedCrmConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        var policy = ConsoleSecurityHeaders.Policy(options.OpenIdConnect?.Issuer);
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ConsoleOptions.BasePath, StringComparison.Ordinal),
            branch =>
            {
                branch.UseMiddleware<ConsoleSecurityHeaders>(policy);
                branch.UseAuthentication();
                branch.UseAuthorization();
            });

        var stylesheet = Stylesheet();
        app.MapGet(StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(stylesheet, "text/css; charset=utf-8");
        }).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    private static byte[] Stylesheet()
    {
        using var stream = typeof(ConsoleOptions).Assembly.GetManifestResourceStream("GovernedCrm.Console.console.css")
            ?? throw new InvalidOperationException("The console's stylesheet is missing from its assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
