using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovernedCrm.Hosting.Health;

/// <summary>Ready only with a compiled policy in force (the one loaded at start, or the last good reload).</summary>
/// <param name="policy">The policy in force.</param>
internal sealed class PolicyLoadedCheck(ActivePolicy policy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(policy.Current is { Version.Length: > 0 } ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy());
}
