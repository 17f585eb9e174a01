using System.Text.Json;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Tests;

internal static class TestCalls
{
    public static GovernedCall Create(string argumentsJson = "{}", string? schemaJson = null, GovernedAction action = GovernedAction.Update) => new()
    {
        Tool = new GovernedToolDescriptor("CRM.UpdateRecord", action, null, "objectType", "recordId", "crm"),
        Arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!,
        InputSchema = schemaJson is null ? null : JsonDocument.Parse(schemaJson).RootElement.Clone(),
        Caller = new CallerIdentity("alice", CallerIdentity.DefaultTenant, ["rep"], "test"),
        ExecutionId = "exec-1",
        ReceivedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };
}
