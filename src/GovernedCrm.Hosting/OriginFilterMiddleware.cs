using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GovernedCrm.Hosting;

/// <summary>
/// Refuses MCP requests (<c>/mcp</c>, and <c>/sse</c> + <c>/message</c>, which are served under it) whose
/// <c>Origin</c> header names a page that is not the server's own nor in <c>--allowed-origins</c>, as the MCP
/// transport rules require against DNS rebinding and cross-site calls from a browser. A request without
/// <c>Origin</c> (every non-browser client) passes; <c>Origin: null</c> (sandboxed frames, local files) does not.
/// A refused request gets 403 with a JSON-RPC error and never reaches MCP: nothing is audited or run.
/// </summary>
internal static partial class OriginFilterMiddleware
{
    /// <summary>The stable code of a refused Origin, in the JSON-RPC error's message and data.</summary>
    public const string RefusedCode = "http.origin_refused";

    /// <summary>JSON-RPC "Invalid Request".</summary>
    private const int InvalidRequest = -32600;

    /// <summary>Adds the filter; it must run before routing reaches the MCP endpoints.</summary>
    /// <param name="app">The application.</param>
    /// <param name="origins">The allowed origins.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseOriginFilter(this IApplicationBuilder app, AllowedOrigins origins) =>
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/mcp", StringComparison.Ordinal))
            {
                return next(context);
            }

            var values = context.Request.Headers.Origin;
            if (values.Count == 0)
            {
                return next(context);
            }

            var origin = values.Count == 1 ? values[0] ?? "" : string.Join(", ", values.ToArray());
            if (values.Count == 1 && origins.IsAllowed(origin, BoundAddresses(context)))
            {
                return next(context);
            }

            return RefuseAsync(context, origin);
        });

    private static IEnumerable<string> BoundAddresses(HttpContext context) =>
        context.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];

    private static async Task RefuseAsync(HttpContext context, string origin)
    {
        var shown = origin.Length > 200 ? origin[..200] + "…" : origin;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server.Origin");
        LogRefused(logger, shown, context.Request.Path);

        var message = origin == "null"
            ? $"{RefusedCode}: requests from an opaque origin (Origin: null) are not allowed"
            : $"{RefusedCode}: the Origin {shown} is not allowed; the server's operator can add it with {AllowedOrigins.Option}";
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>
        {
            ["jsonrpc"] = "2.0",
            ["id"] = null,
            ["error"] = new Dictionary<string, object?>
            {
                ["code"] = InvalidRequest,
                ["message"] = message,
                ["data"] = new Dictionary<string, object?> { ["code"] = RefusedCode },
            },
        };
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request refused: Origin {Origin} is not allowed on {Path}")]
    private static partial void LogRefused(ILogger logger, string origin, string path);
}
