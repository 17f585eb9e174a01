namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The rule ids stamped on decisions that no rule of the file made. Policy files may not use ids with these
/// prefixes (<c>builtin.</c>, <c>tool.</c>, <c>limits.</c>).
/// </summary>
public static class PolicyRuleIds
{
    /// <summary>Decisions about who the caller is: unknown user, unknown tenant.</summary>
    public const string Directory = "builtin.directory";

    /// <summary>The denial of an unauthenticated caller.</summary>
    public const string Authentication = "builtin.authentication";

    /// <summary>The denial of a record in another tenant.</summary>
    public const string TenantIsolation = "builtin.tenant-isolation";

    /// <summary>Denials because no allow rule applies (tool, role, object, default).</summary>
    public const string DefaultDeny = "builtin.default-deny";

    /// <summary>Approval required by the tool's [RequiresApproval] attribute.</summary>
    public const string ToolRequiresApproval = "tool.requires-approval";

    /// <summary>The limiter's writes_per_user denial.</summary>
    public const string WritesPerUser = "limits.writes_per_user";

    /// <summary>The limiter's records_per_call denial.</summary>
    public const string RecordsPerCall = "limits.records_per_call";

    /// <summary>The limiter's distinct_records_per_session denial.</summary>
    public const string DistinctRecordsPerSession = "limits.distinct_records_per_session";

    /// <summary>Prefixes reserved for the ids above.</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = ["builtin.", "tool.", "limits."];
}
