using System.Text;

namespace GovernedCrm.Governance.Tests.Policy.Reference;

internal sealed record RefUser(string[] Roles, string Tenant);

internal sealed record RefApproval(string Route, string? Role, string? Reason);

internal sealed record RefRule(
    string Id,
    string Effect,
    string[]? Roles,
    string[] Tools,
    string[]? Objects,
    RefCondition? When,
    RefApproval? Approval,
    string? Code,
    string? Message);

internal sealed record RefFieldRule(string Id, string[]? Roles, string[]? Objects, string[] DenyRead, string[] DenyWrite);

/// <summary>A generated policy: the reference evaluator reads it directly; the engine reads its YAML.</summary>
internal sealed record RefPolicy(
    string[] Tenants,
    string[] Roles,
    RefUser? LocalDefault,
    IReadOnlyDictionary<string, RefUser> Users,
    RefRule[] Rules,
    RefFieldRule[] Fields)
{
    public string ToYaml()
    {
        var yaml = new StringBuilder();
        yaml.Append("version: 1\n");
        yaml.Append($"tenants: {Flow(Tenants)}\n");
        yaml.Append($"roles: {Flow(Roles)}\n");
        if (LocalDefault is { } local)
        {
            yaml.Append($"local_default: {{ roles: {Flow(local.Roles)}, tenant: {local.Tenant} }}\n");
        }

        yaml.Append("users:\n");
        foreach (var (id, user) in Users)
        {
            yaml.Append($"  {id}: {{ roles: {Flow(user.Roles)}, tenant: {user.Tenant} }}\n");
        }

        yaml.Append("rules:\n");
        foreach (var rule in Rules)
        {
            yaml.Append($"  - id: {rule.Id}\n    effect: {rule.Effect}\n    tools: {Flow(rule.Tools)}\n");
            if (rule.Roles is not null)
            {
                yaml.Append($"    roles: {Flow(rule.Roles)}\n");
            }

            if (rule.Objects is not null)
            {
                yaml.Append($"    objects: {Flow(rule.Objects)}\n");
            }

            if (rule.When is not null)
            {
                yaml.Append($"    when: \"{rule.When.Text}\"\n");
            }

            if (rule.Approval is { } approval)
            {
                yaml.Append($"    approval: {{ route: {approval.Route}");
                yaml.Append(approval.Role is null ? string.Empty : $", role: {approval.Role}");
                yaml.Append(approval.Reason is null ? string.Empty : $", reason: \"{approval.Reason}\"");
                yaml.Append(" }\n");
            }

            if (rule.Code is not null)
            {
                yaml.Append($"    code: {rule.Code}\n");
            }

            if (rule.Message is not null)
            {
                yaml.Append($"    message: \"{rule.Message}\"\n");
            }
        }

        yaml.Append(Fields.Length == 0 ? "fields: []\n" : "fields:\n");
        foreach (var field in Fields)
        {
            yaml.Append($"  - id: {field.Id}\n    deny_read: {Flow(field.DenyRead)}\n    deny_write: {Flow(field.DenyWrite)}\n");
            if (field.Roles is not null)
            {
                yaml.Append($"    roles: {Flow(field.Roles)}\n");
            }

            if (field.Objects is not null)
            {
                yaml.Append($"    objects: {Flow(field.Objects)}\n");
            }
        }

        return yaml.ToString();
    }

    private static string Flow(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => "\"" + i + "\"")) + "]";
}
