using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>The lines <c>policy check</c> prints about a loaded policy.</summary>
internal static class PolicySummary
{
    /// <summary>Summarizes a policy.</summary>
    public static IReadOnlyList<string> Of(PolicyDefinition definition, string source, string version, PolicyLimits limits)
    {
        var lines = new List<string>
        {
            $"policy {source} ({version})",
            $"tenants: {string.Join(", ", definition.Tenants)}",
            $"roles: {string.Join(", ", definition.Roles)}",
            Invariant($"users: {definition.Users.Count}") + (definition.LocalDefault is { } local
                ? $"; unlisted local users: roles {string.Join(", ", local.Roles)} in tenant {local.Tenant}"
                : "; unlisted local users can do nothing (no local_default)"),
            CliUsers(definition.CliUsers),
            Invariant($"rules: {definition.Rules.Count}"),
        };
        foreach (var effect in (ReadOnlySpan<RuleEffect>)[RuleEffect.Allow, RuleEffect.Deny, RuleEffect.RequireApproval])
        {
            var ids = definition.Rules.Where(r => r.Effect == effect).Select(r => r.Id).ToList();
            lines.Add(Invariant($"  {effect.ToName()}: {ids.Count}") + (ids.Count > 0 ? " (" + string.Join(", ", ids) + ")" : string.Empty));
        }

        lines.Add(Invariant($"fields rules: {definition.Fields.Count}") + (definition.Fields.Count > 0
            ? " (" + string.Join(", ", definition.Fields.Select(f => f.Id)) + ")"
            : string.Empty));
        lines.Add("limits: " + Limits(limits));
        lines.Add("audit chains: own tenant only" + (definition.AuditCrossTenantRoles.Count > 0
            ? "; every tenant for roles " + string.Join(", ", definition.AuditCrossTenantRoles)
            : string.Empty));
        return lines;
    }

    private static string CliUsers(IReadOnlyDictionary<string, CliUser>? cliUsers) =>
        cliUsers is null
            ? "cli_users: none (an approvals CLI user is the policy user of the same name as their OS account; nobody may use --as)"
            : Invariant($"cli_users: {cliUsers.Count}") + (cliUsers.Count == 0 ? " (nobody may use the approvals CLI)" : " (" + string.Join(", ", cliUsers.Values.Select(Describe)) + ")");

    private static string Describe(CliUser user) =>
        $"{user.OsUser} is {user.User}" + (user.ActAs.Count == 0 ? string.Empty : $", may act as {string.Join(", ", user.ActAs.Select(a => a == CliUser.AnyUser ? "any listed user" : a))}");

    private static string Limits(PolicyLimits limits)
    {
        var parts = new List<string>();
        if (limits.WritesPerUser is { } rate)
        {
            parts.Add(Invariant($"writes_per_user {rate.Max} per {Window(rate.Window)}"));
        }

        if (limits.RecordsPerCall is { } records)
        {
            parts.Add(Invariant($"records_per_call {records}"));
        }

        if (limits.DistinctRecordsPerSession is { } distinct)
        {
            parts.Add(Invariant($"distinct_records_per_session {distinct}"));
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private static string Window(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? Invariant($"{window.TotalHours}h")
        : window.TotalMinutes >= 1 && window.TotalMinutes == Math.Floor(window.TotalMinutes) ? Invariant($"{window.TotalMinutes}m")
        : Invariant($"{window.TotalSeconds}s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
