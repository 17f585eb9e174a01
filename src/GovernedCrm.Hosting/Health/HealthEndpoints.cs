using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovernedCrm.Hosting.Health;

/// <summary>
/// <c>GET /healthz</c> (live: the process serves HTTP) and <c>GET /readyz</c> (ready: the audit store takes writes, a
/// policy is loaded, the vault has its key) for load balancers and orchestrators. Both are unauthenticated and answer
/// the status only (<c>Healthy</c> with 200, <c>Unhealthy</c> with 503; no check names, no reasons), are not MCP calls and
/// so are not audited, and are never cached.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddGovernedCrmHealthChecks(this IServiceCollection services, ServerResources resources)
    {
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("audit-store", _ => new AuditStoreWritableCheck(resources.AuditPaths.DatabasePath), null, [ReadyTag]))
            .Add(new HealthCheckRegistration("policy", sp => new PolicyLoadedCheck(sp.GetRequiredService<ActivePolicy>()), null, [ReadyTag]))
            .Add(new HealthCheckRegistration("vault-key", _ => new VaultKeyPresentCheck(resources.Remote?.Vault), null, [ReadyTag]));
        return services;
    }

    public static IEndpointRouteBuilder MapGovernedCrmHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusAsync });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteStatusAsync });
        return endpoints;
    }

    private static Task WriteStatusAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status == HealthStatus.Unhealthy ? "Unhealthy" : "Healthy");
    }
}
