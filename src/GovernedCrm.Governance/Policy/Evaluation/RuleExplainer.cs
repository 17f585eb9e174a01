using GovernedCrm.Governance.Policy.Conditions;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>
/// Writes, for <see cref="CompiledPolicy.Explain"/>, one line per rule and fields rule in file order: whether it
/// matches the call and, if not, the first reason why (tool, roles, object type, condition).
/// </summary>
internal static class RuleExplainer
{
    /// <summary>Adds the lines of every rule.</summary>
    public static void ExplainRules(IReadOnlyList<CompiledRule> rules, GovernedCall call, ulong callerRoles, string? objectType, CallerDirectory directory, List<string> lines)
    {
        var tool = call.Tool.ToolName;
        foreach (var rule in rules)
        {
            var head = $"rule '{rule.Id}' ({Definition.RuleEffectNames.ToName(rule.Definition.Effect)}): ";
            if (!rule.MatchesTool(tool))
            {
                lines.Add(head + $"does not match: its tools ({string.Join(", ", rule.Definition.Tools.Select(t => t.Text))}) do not include {tool}");
            }
            else if (!rule.MatchesRole(callerRoles))
            {
                lines.Add(head + $"does not match: its roles ({string.Join(", ", rule.Definition.Roles!)}) do not include the caller's ({string.Join(", ", directory.RoleNames(callerRoles))})");
            }
            else if (!rule.MatchesObject(objectType))
            {
                lines.Add(head + $"does not match: its objects ({string.Join(", ", rule.Objects!)}) do not include {(objectType is null ? "calls without an object type" : $"'{objectType}'")}");
            }
            else if (rule.When is { } when)
            {
                var scope = new ConditionScope(call);
                lines.Add(when.IsTrue(ref scope)
                    ? head + $"matches: condition \"{when.Text}\" is true"
                    : head + $"does not match: condition \"{when.Text}\" is false");
            }
            else
            {
                lines.Add(head + "matches (tool, roles and object type; no condition)");
            }
        }
    }

    /// <summary>Adds the lines of every fields rule.</summary>
    public static void ExplainFields(FieldRuleIndex fields, ulong callerRoles, string? objectType, List<string> lines)
    {
        for (var i = 0; i < fields.Rules.Count; i++)
        {
            var rule = fields.Rules[i];
            lines.Add(fields.Applies(i, callerRoles, objectType)
                ? $"fields '{rule.Id}': applies; deny_read: {List(rule.DenyRead)}; deny_write: {List(rule.DenyWrite)}"
                : $"fields '{rule.Id}': does not apply to the caller's roles and this object type");
        }
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
