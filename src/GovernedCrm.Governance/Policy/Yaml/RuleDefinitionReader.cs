using System.Text.RegularExpressions;
using GovernedCrm.Governance.Policy.Conditions;
using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>Reads and checks the policy file's <c>rules</c>.</summary>
internal static partial class RuleDefinitionReader
{
    private static readonly string[] Keys = ["id", "effect", "roles", "tools", "objects", "when", "approval", "code", "message"];
    private static readonly string[] ApprovalKeys = ["route", "role", "reason"];
    private static readonly string[] Routes = ["requester", "role"];

    /// <summary>Reads every rule; invalid ones are reported and left out.</summary>
    public static IReadOnlyList<RuleDefinition> ReadAll(YamlNode? node, PolicyReadContext context)
    {
        var rules = new List<RuleDefinition>();
        if (node is null)
        {
            return rules;
        }

        if (node is not YamlSequence sequence)
        {
            context.Errors.Add(node, $"rules must be a list of rules (- id: ...), found {node.KindName}");
            return rules;
        }

        foreach (var item in sequence.Items)
        {
            if (Read(item, rules.Count, context) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static RuleDefinition? Read(YamlNode node, int order, PolicyReadContext context)
    {
        var errors = context.Errors;
        var view = YamlMappingView.Open(node, "a rule", Keys, errors);
        if (view is null)
        {
            return null;
        }

        var idNode = view.Get("id") is { } idValue ? YamlValues.Text(idValue, "a rule's id", errors) : null;
        if (view.Get("id") is null)
        {
            errors.Add(view.Mapping, "the rule needs an id, e.g. id: big-deals");
        }

        // Without an id, keep checking the rest so every problem is reported at once.
        var id = idNode?.Value ?? string.Empty;
        var name = idNode is null ? $"the rule at line {view.Mapping.Line.ToString(CultureInfo.InvariantCulture)}" : $"rule '{id}'";
        var ok = idNode is not null && context.CheckId(idNode, "rules");

        var effect = ReadEffect(view, name, errors);
        ok &= effect is not null;

        IReadOnlyList<string>? roles = null;
        if (view.Get("roles") is { } rolesNode)
        {
            roles = context.CheckRoles(YamlValues.List(rolesNode, $"the roles of {name}", errors, emptyHint: "leave roles out to match any role"), "in " + name);
            ok &= roles is not null;
        }

        var tools = ReadTools(view, name, errors);
        ok &= tools is not null;

        IReadOnlyList<string>? objects = null;
        if (view.Get("objects") is { } objectsNode)
        {
            objects = YamlValues.List(objectsNode, $"the objects of {name}", errors, emptyHint: "leave objects out to match any object type")?.Select(o => o.Value).ToArray();
            ok &= objects is not null;
        }

        Condition? when = null;
        if (view.Get("when") is { } whenNode)
        {
            when = ReadCondition(whenNode, name, errors);
            ok &= when is not null;
        }

        var approval = ReadApproval(view, effect, name, id, context);
        ok &= effect != RuleEffect.RequireApproval || approval is not null;
        ok &= ReadDenyOnly(view, effect, name, errors, out var code, out var message);

        return ok
            ? new RuleDefinition
            {
                Id = id,
                Order = order,
                Effect = effect!.Value,
                Roles = roles,
                Tools = tools!,
                Objects = objects,
                When = when,
                Approval = approval,
                Code = code,
                Message = message,
            }
            : null;
    }

    private static RuleEffect? ReadEffect(YamlMappingView view, string name, PolicyErrorList errors)
    {
        if (view.Get("effect") is not { } node)
        {
            errors.Add(view.Mapping, $"{name} needs an effect: {string.Join(", ", RuleEffectNames.All)}");
            return null;
        }

        if (YamlValues.Text(node, $"the effect of {name}", errors) is not { } scalar)
        {
            return null;
        }

        if (RuleEffectNames.TryParse(scalar.Value, out var effect))
        {
            return effect;
        }

        errors.Add(scalar, $"bad effect '{scalar.Value}' in {name}; valid effects: {string.Join(", ", RuleEffectNames.All)}");
        return null;
    }

    private static ToolPattern[]? ReadTools(YamlMappingView view, string name, PolicyErrorList errors)
    {
        if (view.Get("tools") is not { } node)
        {
            errors.Add(view.Mapping, $"{name} needs tools: the tool names it applies to, e.g. tools: [CRM.GetRecord], [\"CRM.*\"] or [\"*\"]");
            return null;
        }

        var items = YamlValues.List(node, $"the tools of {name}", errors, emptyHint: "name at least one tool, or \"*\" for every tool");
        if (items is null)
        {
            return null;
        }

        var patterns = new List<ToolPattern>(items.Count);
        foreach (var item in items)
        {
            if (ToolPattern.TryParse(item.Value, out var pattern))
            {
                patterns.Add(pattern!);
            }
            else
            {
                errors.Add(item, $"bad tool pattern '{item.Value}' in {name}; use an exact tool name (CRM.GetRecord), a prefix ending in * (CRM.*) or *");
            }
        }

        return patterns.Count == items.Count ? [.. patterns] : null;
    }

    private static Condition? ReadCondition(YamlNode node, string name, PolicyErrorList errors)
    {
        if (YamlValues.Text(node, $"the condition of {name}", errors) is not { } scalar)
        {
            return null;
        }

        if (Condition.TryParse(scalar.Value, out var condition, out var error))
        {
            return condition;
        }

        // Point at the character inside the expression when the scalar is on one line; else at the scalar.
        var column = scalar.IsSingleLine && (scalar.IsPlain || scalar.IsQuoted)
            ? scalar.Column + (scalar.IsQuoted ? 1 : 0) + error!.Position - 1
            : scalar.Column;
        errors.Add(scalar.Line, column, $"bad condition in {name} at position {error!.Position.ToString(CultureInfo.InvariantCulture)}: {error.Message}");
        return null;
    }

    private static ApprovalDefinition? ReadApproval(YamlMappingView view, RuleEffect? effect, string name, string id, PolicyReadContext context)
    {
        var errors = context.Errors;
        var node = view.Get("approval");
        if (effect != RuleEffect.RequireApproval)
        {
            if (node is not null && effect is not null)
            {
                errors.Add(node, $"approval is only for effect require_approval; remove it from {name} or change its effect");
            }

            return null;
        }

        if (node is null)
        {
            errors.Add(view.Mapping, $"{name} has effect require_approval but no approval; add approval: {{ route: role, role: manager, reason: \"...\" }} or approval: {{ route: requester }}");
            return null;
        }

        var approval = YamlMappingView.Open(node, $"the approval of {name}", ApprovalKeys, errors);
        if (approval is null)
        {
            return null;
        }

        ApprovalRoute? route = null;
        if (approval.Get("route") is not { } routeNode)
        {
            errors.Add(approval.Mapping, $"the approval of {name} needs a route: {string.Join(" or ", Routes)}");
        }
        else if (YamlValues.Text(routeNode, $"the route of {name}", errors) is { } routeScalar)
        {
            route = routeScalar.Value switch
            {
                "requester" => ApprovalRoute.Requester,
                "role" => ApprovalRoute.Role,
                _ => null,
            };
            if (route is null)
            {
                errors.Add(routeScalar, $"bad route '{routeScalar.Value}' in the approval of {name}; valid routes: {string.Join(", ", Routes)}");
            }
        }

        var roleNode = approval.Get("role");
        string? role = null;
        var roleOk = true;
        if (route == ApprovalRoute.Role && roleNode is null)
        {
            errors.Add(approval.Mapping, $"the approval of {name} routes to a role but names none; add role: one of {string.Join(", ", context.Roles)}");
            roleOk = false;
        }
        else if (route == ApprovalRoute.Requester && roleNode is not null)
        {
            errors.Add(roleNode, $"the approval of {name} is confirmed by the requester, so it has no role; remove role, or use route: role");
            roleOk = false;
        }
        else if (roleNode is not null && YamlValues.Text(roleNode, $"the approver role of {name}", errors) is { } roleScalar)
        {
            role = context.CheckRoles([roleScalar], $"in the approval of {name}")?[0];
            roleOk = role is not null;
        }

        string? reason = null;
        if (approval.Get("reason") is { } reasonNode)
        {
            reason = YamlValues.Text(reasonNode, $"the approval reason of {name}", errors)?.Value;
        }

        return route is null || !roleOk
            ? null
            : new ApprovalDefinition(route.Value, role, string.IsNullOrWhiteSpace(reason) ? $"This call needs approval (rule '{id}')." : reason);
    }

    private static bool ReadDenyOnly(YamlMappingView view, RuleEffect? effect, string name, PolicyErrorList errors, out string? code, out string? message)
    {
        code = null;
        message = null;
        var ok = true;
        foreach (var key in (ReadOnlySpan<string>)["code", "message"])
        {
            if (view.Get(key) is { } node && effect is not null and not RuleEffect.Deny)
            {
                errors.Add(node, $"{key} is only for deny rules; remove it from {name}");
                ok = false;
            }
        }

        if (effect != RuleEffect.Deny)
        {
            return ok;
        }

        if (view.Get("code") is { } codeNode && YamlValues.Text(codeNode, $"the code of {name}", errors) is { } codeScalar)
        {
            if (CodePattern().IsMatch(codeScalar.Value))
            {
                code = codeScalar.Value;
            }
            else
            {
                errors.Add(codeScalar, $"bad code '{codeScalar.Value}' in {name}; codes start with '{PolicyDenialCodes.Prefix}' followed by lowercase letters, digits, '_' or '.', e.g. policy.denied.big_discount");
                ok = false;
            }
        }

        if (view.Get("message") is { } messageNode)
        {
            message = YamlValues.Text(messageNode, $"the message of {name}", errors)?.Value;
            ok &= message is not null;
        }

        return ok;
    }

    [GeneratedRegex(@"^policy\.denied\.[a-z0-9_][a-z0-9_.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
