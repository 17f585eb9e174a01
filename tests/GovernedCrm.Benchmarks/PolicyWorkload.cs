using System.Globalization;
using System.Text;
using System.Text.Json;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The policy suite's workload, generated from a fixed seed: a 200-rule policy (allow, deny and
/// require_approval rules, half with conditions, exact names and globs, role and object restrictions, field
/// rules) and a mix of calls over its users, tools, object types, arguments and current records.
/// </summary>
internal sealed class PolicyWorkload
{
    public const int RuleCount = 200;
    private const int Seed = 20261123;
    private const int UserCount = 60;
    private const int ToolCount = 40;
    private const int FieldRuleCount = 20;

    private static readonly string[] BaseRoles = ["viewer", "rep", "manager", "admin"];
    private static readonly string[] Objects = ["contact", "company", "deal"];
    private static readonly string[] Properties = ["amount", "dealstage", "email", "owner", "phone", "name"];
    private static readonly string[] Stages = ["appointmentscheduled", "contractsent", "closedwon", "closedlost"];

    private static readonly string[] Conditions =
    [
        "after.amount > 50000",
        "current.amount > 50000 or proposed.amount > 50000",
        "proposed.dealstage == 'closedwon'",
        "changed(email)",
        "changed(owner) and not args.force == true",
        "args.limit > 50",
        "after.dealstage in ['closedwon', 'closedlost']",
        "current.owner != null and current.owner == args.assignee",
        "(proposed.amount >= 1000 and proposed.amount < 100000) or current.dealstage == 'contractsent'",
        "not (after.amount <= '20000')",
    ];

    private PolicyWorkload(string yaml, GovernedCall[] calls, int[] counts)
    {
        Yaml = yaml;
        Calls = calls;
        Allow = counts[0];
        Deny = counts[1];
        RequireApproval = counts[2];
        WithConditions = counts[3];
    }

    public string Yaml { get; }

    public GovernedCall[] Calls { get; }

    public int Allow { get; }

    public int Deny { get; }

    public int RequireApproval { get; }

    public int WithConditions { get; }

    public static int Users => UserCount;

    public static int Tools => ToolCount + 4;

    public static int FieldRules => FieldRuleCount;

    public static PolicyWorkload Create(int callCount)
    {
#pragma warning disable CA5394 // A seeded Random makes the workload repeatable; nothing here is security-relevant.
        var random = new Random(Seed);
        var roles = BaseRoles.Concat(Enumerable.Range(0, 12).Select(i => "team" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var tools = Enumerable.Range(0, ToolCount).Select(i => "CRM.Tool" + i.ToString("00", CultureInfo.InvariantCulture))
            .Concat(["CRM.GetRecord", "CRM.SearchRecords", "CRM.UpdateRecord", "CRM.CreateContact"]).ToArray();
        var counts = new int[4];

        var yaml = new StringBuilder();
        yaml.Append("version: 1\ntenants: [default, northwind]\n");
        yaml.Append("roles: [").AppendJoin(", ", roles).Append("]\n");
        yaml.Append("local_default: { roles: [rep], tenant: default }\nusers:\n");
        for (var u = 0; u < UserCount; u++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  user{u}: {{ roles: [{string.Join(", ", Pick(random, roles, 1, 3))}], tenant: {(u % 5 == 0 ? "northwind" : "default")} }}\n");
        }

        yaml.Append("rules:\n");
        for (var r = 0; r < RuleCount; r++)
        {
            var roll = random.Next(10);
            var effect = roll < 6 ? "allow" : roll < 8 ? "deny" : "require_approval";
            counts[roll < 6 ? 0 : roll < 8 ? 1 : 2]++;
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: rule-{r:000}\n    effect: {effect}\n");
            var pattern = random.Next(20) switch
            {
                0 => "\"CRM.*\"",
                1 => "\"CRM.Tool1*\"",
                _ => string.Join(", ", Pick(random, tools, 1, 3)),
            };
            yaml.Append(CultureInfo.InvariantCulture, $"    tools: [{pattern}]\n");
            if (random.Next(4) != 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    roles: [{string.Join(", ", Pick(random, roles, 1, 4))}]\n");
            }

            if (random.Next(2) == 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    objects: [{string.Join(", ", Pick(random, Objects, 1, 2))}]\n");
            }

            // Deny rules are always conditional, or a few of them would shadow everything else.
            if (random.Next(2) == 0 || effect == "deny")
            {
                counts[3]++;
                yaml.Append(CultureInfo.InvariantCulture, $"    when: \"{Conditions[random.Next(Conditions.Length)]}\"\n");
            }

            if (effect == "require_approval")
            {
                yaml.Append("    approval: { route: role, role: manager, reason: \"Needs a manager.\" }\n");
            }
        }

        yaml.Append("fields:\n");
        for (var f = 0; f < FieldRuleCount; f++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: fields-{f:00}\n    roles: [{string.Join(", ", Pick(random, roles, 1, 2))}]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    objects: [{string.Join(", ", Pick(random, Objects, 1, 2))}]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    deny_read: [{string.Join(", ", Pick(random, Properties, 0, 2))}]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    deny_write: [{string.Join(", ", Pick(random, Properties, 0, 1))}]\n");
        }

        yaml.Append("limits:\n  writes_per_user: { max: 1000000, window: 60s }\n  records_per_call: 100\n  distinct_records_per_session: 500\n");

        var calls = new GovernedCall[callCount];
        for (var c = 0; c < callCount; c++)
        {
            calls[c] = Call(random, tools, roles, c);
        }

        return new PolicyWorkload(yaml.ToString(), calls, counts);
    }

    private static GovernedCall Call(Random random, string[] tools, string[] roles, int index)
    {
        var toolName = tools[random.Next(tools.Length)];
        var action = toolName switch
        {
            "CRM.GetRecord" or "CRM.SearchRecords" => GovernedAction.Read,
            "CRM.CreateContact" => GovernedAction.Create,
            _ => random.Next(2) == 0 ? GovernedAction.Read : GovernedAction.Update,
        };
        var tool = toolName == "CRM.CreateContact"
            ? new GovernedToolDescriptor(toolName, action, "contact", null, null, "crm")
            : new GovernedToolDescriptor(toolName, action, null, "objectType", "recordId", "crm");

        // Mostly directory users; some token callers (with an undeclared role mixed in) and unlisted local users.
        var caller = random.Next(10) switch
        {
            < 7 => new CallerIdentity("user" + random.Next(UserCount).ToString(CultureInfo.InvariantCulture), "default", [], "local"),
            < 9 => new CallerIdentity("token" + index.ToString(CultureInfo.InvariantCulture), random.Next(4) == 0 ? "northwind" : "default", [.. Pick(random, roles, 1, 2), "ghost"], "token"),
            _ => new CallerIdentity("someone" + index.ToString(CultureInfo.InvariantCulture), "default", [], "local"),
        };

        var amount = random.Next(0, 120_000);
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["objectType"] = Objects[random.Next(Objects.Length)],
            ["recordId"] = random.Next(1, 500).ToString(CultureInfo.InvariantCulture),
            ["limit"] = random.Next(1, 120),
            ["force"] = random.Next(2) == 0,
            ["assignee"] = "user" + random.Next(UserCount).ToString(CultureInfo.InvariantCulture),
        };
        if (tool.IsWrite)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in Pick(random, Properties, 1, 3))
            {
                properties[property] = property switch
                {
                    "amount" => amount,
                    "dealstage" => Stages[random.Next(Stages.Length)],
                    _ => property + random.Next(5).ToString(CultureInfo.InvariantCulture) + "@example.com",
                };
            }

            arguments["properties"] = properties;
        }

        CurrentRecord? current = null;
        if (tool.RecordIdArgument is not null && random.Next(4) != 0)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["amount"] = random.Next(0, 120_000),
                ["dealstage"] = Stages[random.Next(Stages.Length)],
                ["email"] = "email" + random.Next(5).ToString(CultureInfo.InvariantCulture) + "@example.com",
                ["owner"] = "user" + random.Next(UserCount).ToString(CultureInfo.InvariantCulture),
            };
            current = new CurrentRecord(random.Next(10) == 0 ? "northwind" : "default", ToJson(values));
        }

        return new GovernedCall
        {
            Tool = tool,
            Arguments = ToJson(arguments),
            Caller = caller,
            Current = current,
            Origin = new CallOrigin("bench", "1", "session" + random.Next(50).ToString(CultureInfo.InvariantCulture), index.ToString(CultureInfo.InvariantCulture), null),
            ExecutionId = "exec-" + index.ToString(CultureInfo.InvariantCulture),
            ReceivedAt = DateTimeOffset.UnixEpoch,
        };
    }

    private static Dictionary<string, JsonElement> ToJson(Dictionary<string, object?> values) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(values))!;

    private static string[] Pick(Random random, string[] pool, int min, int max) =>
        [.. pool.OrderBy(_ => random.Next()).Take(random.Next(min, max + 1))];
#pragma warning restore CA5394
}
