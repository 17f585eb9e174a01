namespace GovernedCrm.Hosting.Batches;

/// <summary>
/// Refuses a POST to the MCP endpoints (/mcp, and /mcp/message for legacy SSE) whose body is a JSON array, a JSON-RPC
/// batch, with 400 and <see cref="JsonRpcBatchRefusal"/>'s error, audited. It runs after authentication, so an
/// unauthenticated caller cannot write to the trail, and peeks at the body without consuming it.
/// </summary>
internal static class BatchRefusalMiddleware
{
    /// <summary>Adds the middleware; call it after authentication and before the endpoints run.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseJsonRpcBatchRefusal(this IApplicationBuilder app) => app.Use(InvokeAsync);

    private static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/mcp")
            && await StartsWithArrayAsync(context.Request, context.RequestAborted).ConfigureAwait(false))
        {
            var session = context.Request.Headers["Mcp-Session-Id"].ToString();
            await JsonRpcBatchRefusal.RecordAsync(
                context.RequestServices, context.User, session.Length > 0 ? session : null, "http", context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(JsonRpcBatchRefusal.Response, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    // Reads up to the first byte that is not whitespace, then rewinds: the MCP endpoint still reads the whole body.
    private static async Task<bool> StartsWithArrayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var buffer = new byte[256];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (!JsonRpcBatchRefusal.IsWhitespace(b))
                    {
                        return b == (byte)'[';
                    }
                }
            }

            return false;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
