namespace GovernedCrm.Governance.Tests.Policy.Reference;

/// <summary>A decision in comparable form: kind ("allow", "deny", "require_approval"), code, rule, approval route and role, redacted fields.</summary>
internal sealed record RefDecision(string Kind, string? Code, string Rule, string? Route, string? ApproverRole, string Redacted)
{
    public static RefDecision Deny(string code, string rule) => new("deny", code, rule, null, null, string.Empty);

    public static string Join(IEnumerable<string> fields) => string.Join(",", fields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The outcome class the generator must cover, e.g. "deny:policy.denied.role" or "require_approval:role".</summary>
    public string Outcome => Kind switch
    {
        "deny" => Code!.StartsWith("policy.denied.custom", StringComparison.Ordinal) ? "deny:custom-code" : "deny:" + Code,
        "require_approval" => Rule == "tool.requires-approval" ? "require_approval:attribute" : "require_approval:" + Route,
        _ => Kind,
    };
}
