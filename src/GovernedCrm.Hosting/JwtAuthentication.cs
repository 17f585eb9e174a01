using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.AspNetCore.Authentication;

namespace GovernedCrm.Hosting;

/// <summary>
/// Bearer-token authentication for the HTTP transport: the JWT handler validates every request's token, and the
/// MCP SDK's handler answers unauthenticated requests with a 401 that points to the protected resource metadata
/// (RFC 9728), which it serves. The token only establishes who calls: it is never stored, logged or forwarded.
/// </summary>
internal static partial class JwtAuthentication
{
    /// <summary>The authorization policy on the MCP endpoints.</summary>
    public const string PolicyName = "governedcrm.mcp";

    /// <summary>Where the protected resource metadata is served, and what every 401 points to.</summary>
    public const string ResourceMetadataPath = "/.well-known/oauth-protected-resource/mcp";

    /// <summary>How far token lifetimes may be off to allow for clock drift between the issuer and this server.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddJwtAuthentication(this IServiceCollection services, JwtSettings settings)
    {
        services.Configure<TokenClaimOptions>(o =>
        {
            o.UserClaim = settings.Claims.UserClaim;
            o.RolesClaim = settings.Claims.RolesClaim;
            o.TenantClaim = settings.Claims.TenantClaim;
        });

        services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = JwtBearerDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddJwtBearer(o =>
            {
                // Claim names stay as the issuer wrote them ("sub", not a mapped URI): they name the caller.
                o.MapInboundClaims = false;
                o.SaveToken = false;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                if (settings.SigningKeys is null)
                {
                    o.MetadataAddress = settings.MetadataAddress;
                }

                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = settings.Issuer,
                    ValidateAudience = true,
                    ValidAudience = settings.Audience,
                    // Exactly: IdentityModel otherwise also accepts the audience with a trailing '/' added or removed.
                    IgnoreTrailingSlashWhenValidatingAudience = false,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ClockSkew = ClockSkew,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    IssuerSigningKeys = settings.SigningKeys,
                    ValidAlgorithms = [.. JwtSettings.Algorithms],
                    NameClaimType = settings.Claims.UserClaim,
                    RoleClaimType = settings.Claims.RolesClaim,
                    SaveSigninToken = false,
                };
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        // A token that names nobody cannot be audited or bound to a session: reject it outright.
                        if (string.IsNullOrWhiteSpace(context.Principal?.FindFirst(settings.Claims.UserClaim)?.Value))
                        {
                            LogTokenRejected(Logger(context.HttpContext), $"no {settings.Claims.UserClaim} claim");
                            context.Fail($"The token has no {settings.Claims.UserClaim} claim.");
                        }

                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = context =>
                    {
                        if (settings.SigningKeys is null && context.Exception is InvalidOperationException)
                        {
                            // Not the token's fault: the discovery document or its keys could not be fetched, so nobody can call.
                            LogKeysUnavailable(Logger(context.HttpContext), settings.MetadataAddress, context.Exception.Message);
                        }
                        else
                        {
                            // The exception's type says why (expired, bad signature, wrong audience…); its message may quote the token.
                            LogTokenRejected(Logger(context.HttpContext), context.Exception.GetType().Name);
                        }

                        return Task.CompletedTask;
                    },
                };
            })
            .AddMcp(o =>
            {
                o.ResourceMetadataUri = new Uri(ResourceMetadataPath, UriKind.Relative);
                o.ResourceMetadata = new()
                {
                    Resource = settings.Audience,
                    AuthorizationServers = { settings.Issuer },
                    BearerMethodsSupported = ["header"],
                    ResourceName = "GovernedCrm",
                };
            });

        services.AddAuthorization(o => o.AddPolicy(PolicyName, p => p.RequireAuthenticatedUser()));
        return services;
    }

    private static ILogger Logger(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server.Authentication");

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    private static partial void LogTokenRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bearer tokens cannot be validated: the issuer's signing keys are unavailable from {MetadataAddress}: {Reason}")]
    private static partial void LogKeysUnavailable(ILogger logger, string metadataAddress, string reason);
}
