namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// Reads the policy file's <c>audit</c> section: <c>cross_tenant_roles</c>, the roles whose holders may read and
/// verify every tenant's audit chain (everyone else who may use the audit tools sees only their own tenant's).
/// </summary>
internal static class AuditDefinitionReader
{
    private static readonly string[] Keys = ["cross_tenant_roles"];

    /// <summary>Reads the section; no section (or no key) grants no role.</summary>
    /// <param name="node">The section's node, or null when absent.</param>
    /// <param name="context">The declarations (roles must be declared).</param>
    /// <returns>The cross-tenant roles.</returns>
    public static IReadOnlyList<string> Read(YamlNode? node, PolicyReadContext context)
    {
        if (node is null || YamlMappingView.Open(node, "audit", Keys, context.Errors) is not { } view)
        {
            return [];
        }

        return view.Get("cross_tenant_roles") is { } roles
            ? context.CheckRoles(YamlValues.List(roles, "audit.cross_tenant_roles", context.Errors, emptyHint: "list the roles, or remove the key"), "in audit.cross_tenant_roles") ?? []
            : [];
    }
}
