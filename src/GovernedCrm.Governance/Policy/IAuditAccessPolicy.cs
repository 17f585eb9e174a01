namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Who may use the audit tools and which chains they see. An audit tool (target system <c>audit</c>) is open to the
/// admin role always (<see cref="AdminToolsPolicy"/>) and to another role only through an allow rule that names the
/// tool for that role explicitly (<see cref="NamesAuditTool"/>). Either way the caller sees only their own tenant's
/// chain, unless the policy lists one of their roles under <c>audit.cross_tenant_roles</c> (<see cref="SeesEveryChain"/>).
/// </summary>
public interface IAuditAccessPolicy
{
    /// <summary>True when the caller may read and verify every tenant's chain (a role listed under <c>audit.cross_tenant_roles</c>).</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>Whether the caller's audit scope is every chain.</returns>
    bool SeesEveryChain(CallerIdentity caller);

    /// <summary>
    /// True when an allow rule names <paramref name="toolName"/> by its name or a prefix (<c>Audit.*</c>, never the
    /// bare <c>*</c>) and lists one of the caller's roles: how a role other than admin (an auditor) is given an audit tool.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="toolName">The audit tool.</param>
    /// <returns>Whether the policy grants the tool to the caller by name.</returns>
    bool NamesAuditTool(CallerIdentity caller, string toolName);
}
