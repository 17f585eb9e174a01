using System.Security.Claims;
using GovernedCrm.Mcp.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace GovernedCrm.AdminConsole.Security;

/// <summary>
/// The console's sign-in: a session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, <c>/console</c> only, a
/// fixed lifetime), opened either by OpenID Connect (authorization code + PKCE against the server's issuer, no token
/// kept) or by a one-time link. Opening a session writes its audit entry first: a sign-in the trail cannot hold is
/// refused. These schemes are the console's own; the MCP endpoint keeps its bearer tokens.
/// </summary>
internal static partial class ConsoleAuthentication
{
    /// <summary>The sign-in page (link mode), also where a failed OpenID Connect sign-in lands.</summary>
    public const string SignInPath = ConsoleOptions.BasePath + "/signin";

    /// <summary>The page after the identity provider's redirect: a same-site step, so the SameSite=Strict cookie is sent on the next page.</summary>
    public const string SignedInPath = ConsoleOptions.BasePath + "/signed-in";

    public static void Add(IServiceCollection services, ConsoleOptions options)
    {
        var builder = services.AddAuthentication();
        builder.AddCookie(ConsoleSchemes.Cookie, o =>
        {
            ConsoleCookies.Harden(o.Cookie, ConsoleSchemes.SessionCookie);
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = false;
            o.LoginPath = SignInPath;
            o.AccessDeniedPath = SignInPath;
            o.ReturnUrlParameter = "returnUrl";
            if (options.OpenIdConnect is not null)
            {
                o.ForwardChallenge = ConsoleSchemes.OpenIdConnect;
            }

            o.Events = new CookieAuthenticationEvents
            {
                OnSigningIn = AuditSignInAsync,
                OnValidatePrincipal = context =>
                {
                    // A session of the other kind (a link session on an issuer's server, or the reverse) is not this server's.
                    var method = context.Principal?.FindFirst(ConsoleSchemes.MethodClaim)?.Value;
                    if (method != (options.OpenIdConnect is null ? "link" : "oidc"))
                    {
                        context.RejectPrincipal();
                    }

                    return Task.CompletedTask;
                },
            };
        });

        if (options.OpenIdConnect is { } oidc)
        {
            builder.AddOpenIdConnect(ConsoleSchemes.OpenIdConnect, o =>
            {
                o.Authority = oidc.Issuer;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = ConsoleSchemes.CallbackPath;
                o.SignInScheme = ConsoleSchemes.Cookie;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.DisableTelemetry = true;
                o.Scope.Clear();
                o.Scope.Add(OpenIdConnectScope.OpenId);
                o.Scope.Add("profile");

                // The browser comes back from the issuer (another site) with a GET: Lax, not None, and only under /console.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.CorrelationCookie.Path = ConsoleOptions.BasePath;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.Path = ConsoleOptions.BasePath;
                o.Events = new OpenIdConnectEvents
                {
                    OnTicketReceived = context =>
                    {
                        context.ReturnUri = SignedInPath + "?to=" + Uri.EscapeDataString(LocalReturn(context.ReturnUri));
                        return Task.CompletedTask;
                    },
                    OnRemoteFailure = context =>
                    {
                        // Why it failed is logged by its type only: the message may quote what the issuer sent.
                        LogSignInFailed(Logger(context.HttpContext), context.Failure?.GetType().Name ?? "unknown");
                        context.Response.Redirect(SignInPath + "?failed=1");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
            services.AddOptions<OpenIdConnectOptions>(ConsoleSchemes.OpenIdConnect).Configure<IOptions<TokenClaimOptions>>((o, claims) =>
            {
                o.TokenValidationParameters.NameClaimType = claims.Value.UserClaim;
                o.TokenValidationParameters.RoleClaimType = claims.Value.RolesClaim;
                var onValidated = o.Events.OnTokenValidated;
                o.Events.OnTokenValidated = async context =>
                {
                    await onValidated(context).ConfigureAwait(false);
                    if (context.Principal?.Identity is not ClaimsIdentity identity || string.IsNullOrWhiteSpace(identity.FindFirst(claims.Value.UserClaim)?.Value))
                    {
                        // An ID token that names nobody cannot be audited or bound to a session.
                        context.Fail($"The ID token has no {claims.Value.UserClaim} claim.");
                        return;
                    }

                    identity.AddClaim(new Claim(ConsoleSchemes.MethodClaim, "oidc"));
                };
            });
        }

        services.AddAuthorization(o => o.AddPolicy(ConsoleSchemes.Policy, p => p.AddAuthenticationSchemes(ConsoleSchemes.Cookie).RequireAuthenticatedUser()));
    }

    /// <summary><paramref name="returnUri"/> if it is a path of the console, else the console's home.</summary>
    /// <param name="returnUri">A return address.</param>
    /// <returns>A local console path.</returns>
    public static string LocalReturn(string? returnUri) =>
        returnUri is { Length: > 0 } r && r.StartsWith(ConsoleOptions.BasePath, StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal)
            && (r.Length == ConsoleOptions.BasePath.Length || r[ConsoleOptions.BasePath.Length] is '/' or '?')
            ? r
            : ConsoleOptions.BasePath;

    // The sign-in's entry is written before the cookie: if the audit trail cannot take it, no session opens.
    private static async Task AuditSignInAsync(CookieSigningInContext context)
    {
        var services = context.HttpContext.RequestServices;
        var caller = services.GetRequiredService<ConsoleCaller>().Resolve(context.Principal!);
        var method = context.Principal!.FindFirst(ConsoleSchemes.MethodClaim)?.Value ?? "unknown";
        await services.GetRequiredService<IAuditTrail>().AppendAsync(ConsoleAuditRecords.SignedIn(caller, method), context.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.AdminConsole.SignIn");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in at the issuer failed ({Error})")]
    private static partial void LogSignInFailed(ILogger logger, string error);
}
