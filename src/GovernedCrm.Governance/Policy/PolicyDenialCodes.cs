namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The stable denial codes of the rule-based policy and its limiter. They appear in tool results, audit entries
/// and the docs; never rename one.
/// </summary>
public static class PolicyDenialCodes
{
    /// <summary>Every code of a policy denial starts with this; custom deny-rule codes must too.</summary>
    public const string Prefix = "policy.denied.";

    /// <summary>The caller is not in the user directory (and no local_default applies), or holds no declared role.</summary>
    public const string UnknownUser = "policy.denied.unknown_user";

    /// <summary>The caller's token names a tenant the policy does not declare.</summary>
    public const string UnknownTenant = "policy.denied.unknown_tenant";

    /// <summary>The caller is not authenticated.</summary>
    public const string Unauthenticated = "policy.denied.unauthenticated";

    /// <summary>The targeted record belongs to another tenant.</summary>
    public const string Tenant = "policy.denied.tenant";

    /// <summary>No allow rule names the tool.</summary>
    public const string Tool = "policy.denied.tool";

    /// <summary>Allow rules name the tool, but none for the caller's roles.</summary>
    public const string Role = "policy.denied.role";

    /// <summary>Allow rules name the tool for the caller's roles, but none for the call's object type.</summary>
    public const string ObjectType = "policy.denied.object";

    /// <summary>A deny rule without a code of its own matched.</summary>
    public const string Rule = "policy.denied.rule";

    /// <summary>The write sets a property the caller's roles may not write.</summary>
    public const string FieldWrite = "policy.denied.field_write";

    /// <summary>No allow rule's condition holds for the call.</summary>
    public const string Default = "policy.denied.default";

    /// <summary>The caller has made too many writes in the limit's window.</summary>
    public const string RateLimit = "policy.denied.rate_limit";

    /// <summary>The call asks for more records than the limit allows.</summary>
    public const string RecordsPerCall = "policy.denied.records_per_call";

    /// <summary>The session has touched as many distinct records as the limit allows.</summary>
    public const string FanOut = "policy.denied.fan_out";
}
