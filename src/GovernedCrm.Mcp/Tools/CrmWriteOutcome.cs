using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;

namespace GovernedCrm.Mcp.Tools;

/// <summary>The structured result of a CRM write: outcome, record, the before and after values of what changed, the new version.</summary>
public static class CrmWriteOutcome
{
    /// <summary>The result of an executed write.</summary>
    /// <param name="result">What the connector wrote.</param>
    /// <param name="executionId">The governed call's execution id (links the audit entries).</param>
    /// <returns>The structured content.</returns>
    public static JsonObject Executed(CrmWriteResult result, string executionId)
    {
        ArgumentNullException.ThrowIfNull(result);
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var change in result.Changes)
        {
            before[change.Name] = CrmValueJson.ToNode(change.Before);
            after[change.Name] = CrmValueJson.ToNode(change.After);
        }

        return new JsonObject
        {
            ["outcome"] = "executed",
            ["executionId"] = executionId,
            ["objectType"] = result.Record.ObjectType.ToName(),
            ["recordId"] = result.Record.Id,
            ["created"] = result.Created,
            ["changed"] = new JsonArray(result.Changes.Select(c => (JsonNode)JsonValue.Create(c.Name)).ToArray()),
            ["before"] = before,
            ["after"] = after,
            ["version"] = result.Record.Version,
        };
    }
}
