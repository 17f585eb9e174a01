using System.Text.Json;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Tests.Policy;

/// <summary>Tools, callers and calls for policy tests, built directly (no MCP).</summary>
internal static class PolicyTestCalls
{
    public static GovernedToolDescriptor GetRecord { get; } = new("CRM.GetRecord", GovernedAction.Read, null, "objectType", "recordId", "crm");

    public static GovernedToolDescriptor SearchRecords { get; } = new("CRM.SearchRecords", GovernedAction.Read, null, "objectType", null, "crm");

    public static GovernedToolDescriptor UpdateRecord { get; } = new("CRM.UpdateRecord", GovernedAction.Update, null, "objectType", "recordId", "crm");

    public static GovernedToolDescriptor CreateContact { get; } = new("CRM.CreateContact", GovernedAction.Create, "contact", null, null, "crm");

    public static GovernedToolDescriptor VerifyChain { get; } = new("Audit.VerifyChain", GovernedAction.Read, "audit-chain", null, null, "audit");

    public static CallerIdentity Local(string userId) => new(userId, CallerIdentity.DefaultTenant, [], CallerSources.Local);

    public static CallerIdentity Token(string userId, string tenant, params string[] roles) => new(userId, tenant, roles, CallerSources.Token);

    public static CallerIdentity Anonymous() => new("anonymous", CallerIdentity.DefaultTenant, [], CallerSources.Anonymous);

    public static Dictionary<string, JsonElement> Json(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    public static CurrentRecord Record(string tenant, string valuesJson) => new(tenant, Json(valuesJson));

    public static GovernedCall Call(
        GovernedToolDescriptor tool,
        CallerIdentity caller,
        string argumentsJson = "{}",
        CurrentRecord? current = null,
        CallOrigin? origin = null) => new()
        {
            Tool = tool,
            Arguments = Json(argumentsJson),
            Caller = caller,
            Current = current,
            Origin = origin ?? CallOrigin.Unknown,
            ExecutionId = "exec-1",
            ReceivedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
        };

    public static CompiledPolicy Compile(string yaml)
    {
        var result = PolicyLoader.Load(yaml, "test.yaml");
        result.Errors.Should().BeEmpty();
        return result.Policy!;
    }
}
