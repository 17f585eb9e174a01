using GovernedCrm.Governance.Credentials;
using GovernedCrm.Store.Vault;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovernedCrm.Hosting.Health;

/// <summary>
/// Ready only if the token vault has its keys: loaded, and (when they come from <c>keys/vault.keys</c>) the file still
/// there, so a restart would find them. Without a connectors file no vault is used and the check passes.
/// </summary>
/// <param name="vault">The token vault, or null when no remote CRM is configured.</param>
internal sealed class VaultKeyPresentCheck(ITokenVault? vault) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(vault switch
        {
            null => HealthCheckResult.Healthy(),
            SqliteTokenVault { Keys: null } => HealthCheckResult.Unhealthy(),
            SqliteTokenVault { Keys: { Source: VaultKeySource.File, FilePath: { } file } } when !File.Exists(file) => HealthCheckResult.Unhealthy(),
            _ => HealthCheckResult.Healthy(),
        });
}
