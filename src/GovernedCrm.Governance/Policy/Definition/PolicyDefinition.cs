namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>A policy file, read and validated, before it is compiled for evaluation.</summary>
internal sealed record PolicyDefinition
{
    /// <summary>The declared tenants.</summary>
    public required IReadOnlyList<string> Tenants { get; init; }

    /// <summary>The declared roles.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Who an unlisted local user is; null when unlisted local users can do nothing.</summary>
    public DirectoryEntry? LocalDefault { get; init; }

    /// <summary>The user directory: user id to roles and tenant.</summary>
    public required IReadOnlyDictionary<string, DirectoryEntry> Users { get; init; }

    /// <summary>
    /// The <c>cli_users</c> section: which policy user each OS user is on the approvals CLI, and whom it may act for.
    /// Null when the file has no such section (then the OS user name is the policy user and nobody may act for others).
    /// </summary>
    public IReadOnlyDictionary<string, CliUser>? CliUsers { get; init; }

    /// <summary>The rules, in file order.</summary>
    public required IReadOnlyList<RuleDefinition> Rules { get; init; }

    /// <summary>The field rules, in file order.</summary>
    public required IReadOnlyList<FieldRuleDefinition> Fields { get; init; }

    /// <summary>The limits section (without the policy version, which is added on compilation).</summary>
    public WriteRateLimit? WritesPerUser { get; init; }

    /// <summary>limits.records_per_call.</summary>
    public int? RecordsPerCall { get; init; }

    /// <summary>limits.distinct_records_per_session.</summary>
    public int? DistinctRecordsPerSession { get; init; }

    /// <summary>audit.cross_tenant_roles: roles that may read and verify every tenant's audit chain.</summary>
    public IReadOnlyList<string> AuditCrossTenantRoles { get; init; } = [];
}
