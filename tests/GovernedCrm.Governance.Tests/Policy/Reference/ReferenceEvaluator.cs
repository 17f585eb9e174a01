using System.Text.Json;
using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Governance.Tests.Policy.Reference;

/// <summary>
/// A deliberately naive evaluator written from CompiledPolicy's documented order: no indexes, no masks, no
/// caches; every step scans every rule. Property-based tests compare the compiled policy against it.
/// </summary>
internal static class ReferenceEvaluator
{
    public static RefDecision Evaluate(RefPolicy policy, GovernedCall call)
    {
        // 1. Caller.
        string tenant;
        string[] roles;
        var identity = call.Caller;
        if (identity.Source == "local")
        {
            var entry = policy.Users.TryGetValue(identity.UserId, out var user) ? user : policy.LocalDefault;
            if (entry is null)
            {
                return RefDecision.Deny("policy.denied.unknown_user", "builtin.directory");
            }

            (tenant, roles) = (entry.Tenant, entry.Roles);
        }
        else if (identity.Source == "token")
        {
            if (!policy.Tenants.Contains(identity.Tenant))
            {
                return RefDecision.Deny("policy.denied.unknown_tenant", "builtin.directory");
            }

            roles = [.. identity.Roles.Where(r => policy.Roles.Contains(r))];
            if (roles.Length == 0)
            {
                return RefDecision.Deny("policy.denied.unknown_user", "builtin.directory");
            }

            tenant = identity.Tenant;
        }
        else
        {
            return RefDecision.Deny("policy.denied.unauthenticated", "builtin.authentication");
        }

        // 2. Tenant isolation.
        if (call.Current is not null && call.Current.Tenant != tenant)
        {
            return RefDecision.Deny("policy.denied.tenant", "builtin.tenant-isolation");
        }

        // 3. Rules.
        var objectType = call.ObjectType;
        var candidates = policy.Rules.Where(r => r.Tools.Any(p => ToolMatches(p, call.Tool.ToolName))).ToList();
        var allows = candidates.Where(r => r.Effect == "allow").ToList();
        if (allows.Count == 0)
        {
            return RefDecision.Deny("policy.denied.tool", "builtin.default-deny");
        }

        if (!allows.Any(r => RoleMatches(r.Roles, roles)))
        {
            return RefDecision.Deny("policy.denied.role", "builtin.default-deny");
        }

        if (!allows.Any(r => RoleMatches(r.Roles, roles) && ObjectMatches(r.Objects, objectType)))
        {
            return RefDecision.Deny("policy.denied.object", "builtin.default-deny");
        }

        bool FullMatch(RefRule r) => RoleMatches(r.Roles, roles) && ObjectMatches(r.Objects, objectType) && (r.When is null || r.When.IsTrue(call));

        var deny = candidates.FirstOrDefault(r => r.Effect == "deny" && FullMatch(r));
        if (deny is not null)
        {
            return RefDecision.Deny(deny.Code ?? "policy.denied.rule", deny.Id);
        }

        var fields = policy.Fields.Where(f => RoleMatches(f.Roles, roles) && ObjectMatches(f.Objects, objectType)).ToList();
        if (call.Tool.IsWrite
            && call.Arguments.TryGetValue(call.Tool.PropertiesArgument, out var properties)
            && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in fields)
            {
                foreach (var property in field.DenyWrite)
                {
                    if (properties.TryGetProperty(property, out _))
                    {
                        return RefDecision.Deny("policy.denied.field_write", field.Id);
                    }
                }
            }
        }

        var allow = allows.FirstOrDefault(FullMatch);
        if (allow is null)
        {
            return RefDecision.Deny("policy.denied.default", "builtin.default-deny");
        }

        var redacted = RefDecision.Join(fields.SelectMany(f => f.DenyRead));
        if (call.Tool.RequiredApproval is { } attribute)
        {
            return new RefDecision("require_approval", null, "tool.requires-approval", attribute.ApproverRole is null ? "requester" : "role", attribute.ApproverRole, redacted);
        }

        var approval = candidates.FirstOrDefault(r => r.Effect == "require_approval" && FullMatch(r));
        if (approval is not null)
        {
            return new RefDecision("require_approval", null, approval.Id, approval.Approval!.Route, approval.Approval.Role, redacted);
        }

        return new RefDecision("allow", null, allow.Id, null, null, redacted);
    }

    private static bool ToolMatches(string pattern, string tool) =>
        pattern == "*" || pattern == tool || (pattern.EndsWith('*') && tool.StartsWith(pattern[..^1], StringComparison.Ordinal));

    private static bool RoleMatches(string[]? ruleRoles, string[] callerRoles) =>
        ruleRoles is null || ruleRoles.Intersect(callerRoles).Any();

    private static bool ObjectMatches(string[]? ruleObjects, string? objectType) =>
        ruleObjects is null || (objectType is not null && ruleObjects.Any(o => string.Equals(o, objectType, StringComparison.OrdinalIgnoreCase)));
}
