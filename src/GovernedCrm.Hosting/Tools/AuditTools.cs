using System.ComponentModel;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Hosting.Tools;

/// <summary>Admin tools over MCP. Governed like every tool; the admin-tools policy keeps them for admins.</summary>
/// <param name="resources">The server's audit trail locations.</param>
[McpServerToolType]
internal sealed class AuditTools(ServerResources resources)
{
    [McpServerTool(Name = "Audit.VerifyChain", Title = "Verify the audit chain", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectType = "audit-chain", TargetSystem = AdminToolsPolicy.AdminTargetSystem)]
    [Description("Admins only. Verifies the tamper-evident audit trail (checkpoint signatures, hash chain, Merkle roots, truncation) and returns the same report as 'governed-crm verify --json'.")]
    public async Task<CallToolResult> VerifyChain(
        [Description("Verify only this tenant's chain; omit for every chain.")] string? tenant = null,
        CancellationToken cancellationToken = default)
    {
        var paths = resources.AuditPaths;
        var report = await AuditVerifier.VerifyAsync(
            paths.DatabasePath, AuditKeys.ReadPublicKey(paths), paths.AnchorPath, tenant, progress: null, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(VerifyReportJson.ToJson(report));
    }
}
