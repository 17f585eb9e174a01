namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>Who a user is according to the policy file: their roles and tenant.</summary>
/// <param name="Roles">The user's roles (declared, at least one).</param>
/// <param name="Tenant">The user's tenant (declared).</param>
internal sealed record DirectoryEntry(IReadOnlyList<string> Roles, string Tenant);
