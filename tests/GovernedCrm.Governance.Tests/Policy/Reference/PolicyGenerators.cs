using System.Globalization;
using System.Text.Json;
using CsCheck;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Tests.Policy.Reference;

/// <summary>One generated call, with the JSON it was built from for failure reports.</summary>
internal sealed record RefCall(GovernedCall Call, string Description)
{
    public override string ToString() => Description;
}

/// <summary>CsCheck generators of random policies and calls over a small fixed universe.</summary>
internal static class PolicyGenerators
{
    public static readonly string[] Roles = ["viewer", "rep", "manager", "admin"];
    public static readonly string[] Tenants = ["default", "northwind"];
    public static readonly string[] Objects = ["contact", "company", "deal", "audit-chain"];
    public static readonly string[] Properties = ["amount", "dealstage", "email", "owner"];

    public static readonly IReadOnlyDictionary<string, RefUser> Users = new Dictionary<string, RefUser>(StringComparer.Ordinal)
    {
        ["vera"] = new(["viewer"], "default"),
        ["ravi"] = new(["rep"], "default"),
        ["maria"] = new(["manager", "rep"], "default"),
        ["nora"] = new(["rep"], "northwind"),
        ["adam"] = new(["admin"], "northwind"),
    };

    public static readonly GovernedToolDescriptor[] Tools =
    [
        new("CRM.GetRecord", GovernedAction.Read, null, "objectType", "recordId", "crm"),
        new("CRM.SearchRecords", GovernedAction.Read, null, "objectType", null, "crm"),
        new("CRM.UpdateRecord", GovernedAction.Update, null, "objectType", "recordId", "crm"),
        new("CRM.CreateContact", GovernedAction.Create, "contact", null, null, "crm"),
        new("CRM.DeleteRecord", GovernedAction.Delete, null, "objectType", "recordId", "crm") { RequiredApproval = new RequiresApprovalAttribute() },
        new("Audit.VerifyChain", GovernedAction.Read, "audit-chain", null, null, "audit"),
        new("Approvals.Decide", GovernedAction.Update, null, null, null, "approvals") { RequiredApproval = new RequiresApprovalAttribute { ApproverRole = "manager", Reason = "Decisions are reviewed." } },
    ];

    private static readonly string[] ToolPatterns =
        ["CRM.GetRecord", "CRM.SearchRecords", "CRM.UpdateRecord", "CRM.CreateContact", "CRM.DeleteRecord", "Audit.VerifyChain", "Approvals.Decide", "CRM.*", "CRM.Get*", "Audit.*", "*", "CRM.Nothing"];

    private static readonly object?[] Literals = [null, true, false, 0d, 50000d, 60000d, "50000", "closedwon", "contractsent", "a@x.com", "ravi"];

    private static readonly string[] JsonValues = ["null", "true", "0", "40000", "60000", "\"60000\"", "\"closedwon\"", "\"contractsent\"", "\"a@x.com\"", "\"b@x.com\"", "\"ravi\"", "[1]"];

    private static readonly string[] Operators = ["==", "!=", ">", ">=", "<", "<="];

    public static Gen<RefPolicy> Policy { get; } =
        Gen.Select(LocalDefault, Rule.Array[1, 8], FieldRule.Array[0, 3], (local, rules, fields) => new RefPolicy(
            Tenants,
            Roles,
            local,
            Users,
            [.. rules.Select((r, i) => r with { Id = "r" + i.ToString(CultureInfo.InvariantCulture) })],
            [.. fields.Select((f, i) => f with { Id = "f" + i.ToString(CultureInfo.InvariantCulture) })]));

    public static Gen<RefCall> Call { get; } =
        Gen.Select(Caller, Gen.OneOf(Tools), Arguments, Current, (caller, tool, arguments, current) => new RefCall(
            new GovernedCall
            {
                Tool = tool,
                Caller = caller,
                Arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!,
                Current = current,
                ExecutionId = "exec",
                ReceivedAt = DateTimeOffset.UnixEpoch,
            },
            $"{caller.Source}:{caller.UserId}@{caller.Tenant}[{string.Join(",", caller.Roles)}] {tool.ToolName} {arguments} current={(current is null ? "null" : current.Tenant + JsonSerializer.Serialize(current.Values))}"));

    private static Gen<RefUser?> LocalDefault =>
        Gen.Select(Subset(Roles, nonEmpty: true), Gen.OneOf(Tenants), (roles, tenant) => new RefUser(roles!, tenant)).Null(0.4);

    private static Gen<RefRule> Rule =>
        Gen.Select(
            Gen.Frequency((5, Gen.Const("allow")), (2, Gen.Const("deny")), (2, Gen.Const("require_approval"))),
            Subset(Roles, nonEmpty: true).Null(0.35),
            Gen.Frequency((3, Subset(ToolPatterns, nonEmpty: true, max: 2)), (1, Gen.OneOf<string[]>(["CRM.*"], ["*"], ["CRM.UpdateRecord"], ["CRM.GetRecord", "CRM.SearchRecords"]))),
            Subset(Objects, nonEmpty: true).Null(0.5),
            Condition(2).Null(0.5),
            Approval,
            Gen.Int[0, 3],
            (effect, roles, tools, objects, when, approval, extra) => new RefRule(
                string.Empty,
                effect,
                roles,
                tools!,
                objects,
                when,
                effect == "require_approval" ? approval : null,
                effect == "deny" && extra == 1 ? "policy.denied.custom_" + extra.ToString(CultureInfo.InvariantCulture) : null,
                effect == "deny" && extra >= 2 ? "Custom denial." : null));

    private static Gen<RefApproval> Approval =>
        Gen.Select(Gen.Bool, Gen.OneOf(Roles), Gen.Bool, (requester, role, reason) =>
            new RefApproval(requester ? "requester" : "role", requester ? null : role, reason ? "Because." : null));

    private static Gen<RefFieldRule> FieldRule =>
        Gen.Select(
            Subset(Roles, nonEmpty: true).Null(0.4),
            Subset(Objects, nonEmpty: true).Null(0.4),
            Subset([.. Properties, "phone"], nonEmpty: false),
            Subset(Properties, nonEmpty: false, max: 2),
            (roles, objects, read, write) => new RefFieldRule(string.Empty, roles, objects, read!, write!));

    private static Gen<RefCondition> Operand =>
        Gen.Frequency(
            (4, Gen.Select(Gen.OneOf("current", "proposed", "after"), Gen.OneOf(Properties), (source, name) => (RefCondition)new RefOperand(source, name))),
            (1, Gen.OneOf("limit", "force").Select(name => (RefCondition)new RefOperand("args", name))));

    private static Gen<RefCondition> Leaf =>
        Gen.Frequency(
            (5, Gen.Select(Operand, Gen.OneOf(Operators), Gen.OneOf(Literals), (left, op, literal) => (RefCondition)new RefCompare(left, op, new RefLiteral(literal)))),
            (1, Gen.Select(Operand, Gen.OneOf(Operators), Operand, (left, op, right) => (RefCondition)new RefCompare(left, op, right))),
            (1, Gen.Select(Operand, Gen.OneOf(Literals), Gen.OneOf(Literals), (operand, a, b) => (RefCondition)new RefIn(operand, [a, b]))),
            (2, Gen.OneOf(Properties).Select(p => (RefCondition)new RefChanged(p))));

    /// <summary>Random conditions up to two levels of and/or/not.</summary>
    public static Gen<RefCondition> Conditions { get; } = Condition(2);

    private static Gen<RefCondition> Condition(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (1, Gen.Select(Condition(depth - 1), Condition(depth - 1), (a, b) => (RefCondition)new RefAnd(a, b))),
            (1, Gen.Select(Condition(depth - 1), Condition(depth - 1), (a, b) => (RefCondition)new RefOr(a, b))),
            (1, Condition(depth - 1).Select(a => (RefCondition)new RefNot(a))));

    private static Gen<CallerIdentity> Caller =>
        Gen.Frequency(
            (8, Gen.OneOf("vera", "ravi", "maria", "nora", "adam").Select(id => new CallerIdentity(id, "default", ["admin"], "local"))),
            (2, Gen.Const(new CallerIdentity("zed", "default", ["admin"], "local"))),
            (4, Gen.Select(Gen.OneOf("default", "northwind", "default", "acme"), Subset([.. Roles, "ghost"], nonEmpty: false), (tenant, roles) =>
                new CallerIdentity("tok", tenant, roles!, "token"))),
            (1, Gen.Const(new CallerIdentity("anon", "default", [], "anonymous"))));

    private static Gen<string> Arguments =>
        Gen.Select(
            Gen.OneOf("contact", "company", "deal", "DEAL", "widget", "audit-chain").Null(0.15),
            Gen.OneOf("1", "2").Null(0.3),
            ValueObject.Null(0.25),
            Gen.OneOf("10", "60", "\"60\"").Null(0.5),
            Gen.OneOf("true", "false").Null(0.5),
            (objectType, recordId, properties, limit, force) =>
            {
                var parts = new List<string>();
                if (objectType is not null)
                {
                    parts.Add($"\"objectType\": \"{objectType}\"");
                }

                if (recordId is not null)
                {
                    parts.Add($"\"recordId\": \"{recordId}\"");
                }

                if (properties is not null)
                {
                    parts.Add($"\"properties\": {properties}");
                }

                if (limit is not null)
                {
                    parts.Add($"\"limit\": {limit}");
                }

                if (force is not null)
                {
                    parts.Add($"\"force\": {force}");
                }

                return "{" + string.Join(", ", parts) + "}";
            });

    private static Gen<string> ValueObject =>
        Gen.Select(Gen.OneOf(JsonValues).Array[Properties.Length], Gen.Bool.Array[Properties.Length], (values, present) =>
            "{" + string.Join(", ", Properties.Where((_, i) => present[i]).Select((p, i) => $"\"{p}\": {values[Array.IndexOf(Properties, p)]}")) + "}");

    private static Gen<CurrentRecord?> Current =>
        Gen.Select(Gen.OneOf("default", "default", "default", "northwind"), ValueObject, (tenant, values) =>
            new CurrentRecord(tenant, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(values)!)).Null(0.4);

    // A subset of the pool in pool order; at most max items; at least one when nonEmpty.
    private static Gen<string[]> Subset(string[] pool, bool nonEmpty, int? max = null) =>
        Gen.Select(Gen.Bool.Array[pool.Length], Gen.Int[0, pool.Length - 1], (mask, fallback) =>
        {
            var chosen = pool.Where((_, i) => mask[i]).Take(max ?? pool.Length).ToArray();
            return chosen.Length == 0 && nonEmpty ? [pool[fallback]] : chosen;
        });
}
