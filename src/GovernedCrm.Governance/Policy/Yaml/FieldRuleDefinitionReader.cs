using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>Reads and checks the policy file's <c>fields</c>.</summary>
internal static class FieldRuleDefinitionReader
{
    private static readonly string[] Keys = ["id", "roles", "objects", "deny_read", "deny_write"];

    /// <summary>Reads every fields rule; invalid ones are reported and left out.</summary>
    public static IReadOnlyList<FieldRuleDefinition> ReadAll(YamlNode? node, PolicyReadContext context)
    {
        var rules = new List<FieldRuleDefinition>();
        if (node is null)
        {
            return rules;
        }

        if (node is not YamlSequence sequence)
        {
            context.Errors.Add(node, $"fields must be a list of fields rules (- id: ...), found {node.KindName}");
            return rules;
        }

        foreach (var item in sequence.Items)
        {
            if (Read(item, context) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static FieldRuleDefinition? Read(YamlNode node, PolicyReadContext context)
    {
        var errors = context.Errors;
        var view = YamlMappingView.Open(node, "a fields rule", Keys, errors);
        if (view is null)
        {
            return null;
        }

        var idNode = view.Get("id") is { } idValue ? YamlValues.Text(idValue, "a fields rule's id", errors) : null;
        if (view.Get("id") is null)
        {
            errors.Add(view.Mapping, "the fields rule needs an id, e.g. id: viewers-no-contact-details");
        }

        // Without an id, keep checking the rest so every problem is reported at once.
        var name = idNode is null ? $"the fields rule at line {view.Mapping.Line.ToString(CultureInfo.InvariantCulture)}" : $"fields rule '{idNode.Value}'";
        var ok = idNode is not null && context.CheckId(idNode, "fields");

        IReadOnlyList<string>? roles = null;
        if (view.Get("roles") is { } rolesNode)
        {
            roles = context.CheckRoles(YamlValues.List(rolesNode, $"the roles of {name}", errors, emptyHint: "leave roles out to match any role"), "in " + name);
            ok &= roles is not null;
        }

        IReadOnlyList<string>? objects = null;
        if (view.Get("objects") is { } objectsNode)
        {
            objects = YamlValues.List(objectsNode, $"the objects of {name}", errors, emptyHint: "leave objects out to match any object type")?.Select(o => o.Value).ToArray();
            ok &= objects is not null;
        }

        var denyRead = ReadProperties(view, "deny_read", name, context, ref ok);
        var denyWrite = ReadProperties(view, "deny_write", name, context, ref ok);
        return ok
            ? new FieldRuleDefinition { Id = idNode!.Value, Roles = roles, Objects = objects, DenyRead = denyRead, DenyWrite = denyWrite }
            : null;
    }

    private static string[] ReadProperties(YamlMappingView view, string key, string name, PolicyReadContext context, ref bool ok)
    {
        if (view.Get(key) is not { } node)
        {
            return [];
        }

        var items = YamlValues.List(node, $"{key} of {name}", context.Errors);
        if (items is null)
        {
            ok = false;
            return [];
        }

        foreach (var item in items)
        {
            ok &= context.CheckPropertyName(item, $"in {key} of {name}");
        }

        return [.. items.Select(i => i.Value).Distinct(StringComparer.Ordinal)];
    }
}
