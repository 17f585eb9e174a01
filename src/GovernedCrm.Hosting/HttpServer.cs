using GovernedCrm.AdminConsole;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using System.Net.Sockets;
using GovernedCrm.Hosting.Connectors;
using ModelContextProtocol.AspNetCore;

namespace GovernedCrm.Hosting;

/// <summary>
/// Runs the MCP server over HTTP: Streamable HTTP at /mcp and legacy SSE at /sse + /message, bound to
/// 127.0.0.1 unless told otherwise, with Host-header and Origin filtering against DNS rebinding and cross-site
/// calls from browsers (see <see cref="OriginFilterMiddleware"/>). With an issuer configured
/// every MCP request needs a valid bearer token (see <see cref="JwtAuthentication"/>); without one, callers are
/// the local user and the server refuses to listen anywhere but loopback.
/// </summary>
internal static class HttpServer
{
    public const string DefaultUrls = "http://127.0.0.1:5180";
    public const string DefaultAllowedHosts = "localhost;127.0.0.1;[::1]";

    public static async Task RunAsync(DataFolder folder, HttpServerSettings settings, ServerPolicy policy, CancellationToken cancellationToken)
    {
        using var loggers = GovernedCrmServices.StartupLoggers();
        var resources = await ServerResources.OpenAsync(folder, loggers, policy.Connectors, policy.Witnesses, cancellationToken).ConfigureAwait(false);
        await using var _ = resources.ConfigureAwait(false);
        var app = Build(folder, resources, settings, policy, configureWebHost: null);
        await using (app.ConfigureAwait(false))
        {
            GovernanceStartupCheck.Run(app.Services);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server");
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // A busy port, an address this machine does not have: one line, exit code 2.
                throw new StartupException($"cannot listen on --urls {settings.Urls}: {ex.Message}", ex);
            }

            logger.LogInformation(
                "governed-crm {Version} serving MCP over HTTP at {Urls} (Streamable HTTP /mcp, legacy SSE /sse); data folder {DataFolder}; policy {Policy} (version {PolicyVersion})",
                ServerInfo.Version, string.Join(", ", app.Urls), folder.Path, policy.Policy.SourceName, policy.Policy.Version);
            LogAuthentication(logger, settings.Jwt, app.Services);
            ConsoleStatus.Log(logger, app.Services.GetService<ConsoleOptions>(), settings.Console);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("governed-crm stopped");
        }
    }

    /// <summary>Builds the web application; tests pass <paramref name="configureWebHost"/> to use the in-memory test server.</summary>
    public static WebApplication Build(DataFolder folder, ServerResources resources, HttpServerSettings settings, ServerPolicy policy, Action<IWebHostBuilder>? configureWebHost)
    {
        RequireAuthenticationOffLoopback(settings);
        var origins = AllowedOrigins.Resolve(settings, policy.Connectors?.PublicUrl);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var server = GovernedCrmRoot.Add(builder, folder, resources, policy);
        // The host logs a failed start with its stack trace; RunAsync reports it as one line instead. A faulted
        // background service still shows: the host logs that as Critical when it stops because of it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.UseKestrelCore().UseUrls(settings.Urls);
        builder.Services.AddRoutingCore();
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = settings.AllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            o.AllowEmptyHosts = false;
        });
        configureWebHost?.Invoke(builder.WebHost);

        Health.HealthEndpoints.AddGovernedCrmHealthChecks(builder.Services, resources);
        if (resources.Remote is { } remote)
        {
            ConnectSetup.AddConnectPage(builder.Services, remote, policy.Connectors!, settings);
        }
        if (settings.Jwt is { } jwt)
        {
            builder.Services.AddJwtAuthentication(jwt);
        }

        var console = settings.Console ? ConsoleOptions.Resolve(folder.Path, settings.Jwt?.Issuer, settings.Jwt?.RequireHttpsMetadata ?? true, Environment.GetEnvironmentVariable) : null;
        if (console is not null)
        {
            builder.Services.AddGovernedCrmConsole(console);
            ConsoleAudit.ConsoleAuditServices.Add(builder.Services, resources); // The audit browser and verification (docs/console.md).
        }

        server.WithHttpTransport(o =>
            {
                // Stateful for clients that initialize, so the server can ask them for approvals (elicitation).
                o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
#pragma warning disable MCP9004 // Legacy SSE is obsolete in the spec, but clients still use it; it needs a stateful session mode.
                o.EnableLegacySse = true;
#pragma warning restore MCP9004
            });

        var app = builder.Build();
        app.UseHostFiltering();

        // The contract puts legacy SSE at /sse and /message; the SDK maps it under the MCP route.
        app.Use((context, next) =>
        {
            if (context.Request.Path == "/sse" || context.Request.Path == "/message")
            {
                context.Request.Path = "/mcp" + context.Request.Path;
            }

            return next(context);
        });
        app.UseOriginFilter(origins);
        app.UseRouting();
        var mcp = app.MapMcp("/mcp");
        if (console is not null)
        {
            app.MapGovernedCrmConsole(); // The admin console at /console, with its own sign-in (docs/console.md).
        }

        Health.HealthEndpoints.MapGovernedCrmHealth(app); // No authentication: status only.
        if (resources.Remote is not null)
        {
            // The browser's page: no bearer token (the browser has none); it signs the browser in itself.
            app.MapConnect();
        }

        if (settings.Jwt is not null)
        {
            // Authentication also serves the protected resource metadata; the policy covers /mcp, /sse and /message.
            app.UseAuthentication();
            app.UseAuthorization();
            mcp.RequireAuthorization(JwtAuthentication.PolicyName);
        }

        Batches.BatchRefusalMiddleware.UseJsonRpcBatchRefusal(app); // After authentication, before the MCP endpoints run: a JSON-RPC batch gets one audited error.

        return app;
    }

    /// <summary>Without an issuer every caller is the local user, which is only safe when nobody else can connect.</summary>
    /// <param name="settings">The HTTP settings.</param>
    /// <exception cref="StartupException">A bad URL, or no issuer and a URL that is not loopback.</exception>
    public static void RequireAuthenticationOffLoopback(HttpServerSettings settings)
    {
        var urls = ListenUrlCheck.Check(settings.Urls);
        if (settings.Jwt is null && urls.FirstOrDefault(u => !u.IsLoopback) is { } exposed)
        {
            throw new StartupException(
                $"--urls {exposed.Url} is not loopback and no token issuer is configured, so every caller would act as the local user: " +
                $"configure {JwtSettings.IssuerOption} (or {JwtSettings.IssuerVariable}), or listen on 127.0.0.1");
        }
    }

    private static void LogAuthentication(ILogger logger, JwtSettings? jwt, IServiceProvider services)
    {
        if (jwt is null)
        {
            var user = services.GetRequiredService<IOptions<LocalCallerOptions>>().Value.UserId;
            logger.LogWarning("HTTP without authentication: every caller acts as the local user {User}", user);
        }
        else
        {
            logger.LogInformation(
                "HTTP callers need a bearer token from {Issuer} for audience {Audience}; signing keys from {Keys}",
                jwt.Issuer, jwt.Audience, jwt.KeysFile ?? jwt.MetadataAddress);
        }
    }
}

/// <summary>The HTTP options of <c>serve --http</c>.</summary>
/// <param name="Urls">Where Kestrel listens.</param>
/// <param name="AllowedHosts">Host headers accepted (semicolon separated).</param>
/// <param name="Jwt">How callers authenticate; null for none (loopback only).</param>
/// <param name="AllowedOrigins">Browser origins allowed besides the server's own (semicolon separated); null for none.</param>
internal sealed record HttpServerSettings(string Urls, string AllowedHosts, JwtSettings? Jwt = null, string? AllowedOrigins = null)
{
    /// <summary>Whether the admin console is served at /console (off with <c>--no-console</c>).</summary>
    public bool Console { get; init; } = true;
}
