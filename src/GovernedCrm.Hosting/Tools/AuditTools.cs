using System.ComponentModel;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Hosting;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Hosting.Tools;

/// <summary>
/// Audit tools over MCP. Governed like every tool; the admin-tools policy keeps them for admins and for the roles an
/// allow rule names them for (an auditor). Each answers for the caller's own tenant's chain only, unless the policy
/// lists one of the caller's roles under <c>audit.cross_tenant_roles</c> (<see cref="AuditScope"/>).
/// </summary>
/// <param name="resources">The server's audit trail locations.</param>
/// <param name="governed">The governed call (who is calling).</param>
/// <param name="policy">The policy in force: audit scope and field read rules.</param>
[McpServerToolType]
internal sealed class AuditTools(ServerResources resources, GovernedCallAccessor governed, IGovernancePolicy policy)
{
    /// <summary>The warning a tenant-scoped caller gets instead of the anchor file's (whose records span every chain).</summary>
    internal const string ScopedAnchorWarning = "the anchor file has records that were left out (damaged, or not signed by the audit key); an admin whose scope is every chain sees which";

    [McpServerTool(Name = "Audit.VerifyChain", Title = "Verify the audit chain", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectType = "audit-chain", TargetSystem = AdminToolsPolicy.AdminTargetSystem)]
    [Description("Admins and auditors. Verifies the tamper-evident audit trail of your tenant (checkpoint signatures, hash chain, Merkle roots, truncation) and returns the same report as 'governed-crm verify --tenant T --json'. Other tenants' chains only for roles the policy lists under audit.cross_tenant_roles.")]
    public async Task<CallToolResult> VerifyChain(
        [Description("Verify this tenant's chain (default: yours; every chain for a cross-tenant role).")] string? tenant = null,
        CancellationToken cancellationToken = default)
    {
        var caller = await ChainWithThisCallAsync(cancellationToken).ConfigureAwait(false);
        var everyChain = AuditScope.SeesEveryChain(policy, caller);
        string? chain;
        if (tenant is null)
        {
            chain = everyChain ? null : caller.Tenant;
        }
        else if (AuditScope.Resolve(policy, caller, tenant) is { } inScope)
        {
            chain = inScope;
        }
        else
        {
            return GovernanceToolResults.Error(AuditScope.OutOfScopeCode, AuditScope.OutOfScopeMessage);
        }

        var paths = resources.AuditPaths;
        var report = await AuditVerifier.VerifyAsync(
            paths.DatabasePath, AuditKeys.ReadPublicKey(paths), paths.AnchorPath, chain, progress: null, cancellationToken).ConfigureAwait(false);
        Telemetry.AuditMetrics.Verified(report);

        // The anchor file's warnings name lines of a file every chain writes to: a scoped caller learns only that there are some.
        if (!everyChain && report.Warnings.Count > 0)
        {
            report = report with { Warnings = [ScopedAnchorWarning] };
        }

        return GovernanceToolResults.Success(VerifyReportJson.ToJson(report));
    }

    [McpServerTool(Name = "Audit.RecordHistory", Title = "A CRM record's audit history", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectType = "audit-record", TargetSystem = AdminToolsPolicy.AdminTargetSystem)]
    [Description("Admins and auditors. The history of one CRM record in your tenant's audit chain, oldest first: every proposal, approval request, decision and change, each with the field-level before and after values, who asked (requestedBy) and who decided (decidedBy). Values you may not read are redacted. Page with limit and the nextCursor of the previous page.")]
    public async Task<CallToolResult> RecordHistory(
        [Description("The record's object type, e.g. \"deal\".")] string objectType,
        [Description("The record id, e.g. \"3017\".")] string recordId,
        [Description("Page size, 1 to 500 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var caller = await ChainWithThisCallAsync(cancellationToken).ConfigureAwait(false);
        var answer = await AuditQueryService.For(resources.AuditPaths.DatabasePath, policy).HistoryAsync(
            caller, new RecordHistoryRequest(objectType, recordId, Tenant: null, limit ?? RecordHistoryRequest.DefaultLimit, cursor), cancellationToken).ConfigureAwait(false);
        return answer.Succeeded
            ? GovernanceToolResults.Success(answer.Body!)
            : GovernanceToolResults.Error(answer.Code!, answer.Message!);
    }

    // A read runs while its own RECEIVED and PROPOSED entries are being flushed; a tool that reads the chain itself
    // waits for them first, so it reads the chain as it stands with this call's arrival in it.
    private async Task<GovernedCrm.Governance.Identity.CallerIdentity> ChainWithThisCallAsync(CancellationToken cancellationToken)
    {
        var call = governed.Require();
        await call.AuditEntries.WaitDurableAsync(cancellationToken).ConfigureAwait(false);
        return call.Caller;
    }
}
