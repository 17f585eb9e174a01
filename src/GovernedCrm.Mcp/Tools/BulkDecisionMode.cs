using System.Text.Json.Serialization;

namespace GovernedCrm.Mcp.Tools;

/// <summary>How Approvals.Decide treats a refusal of one of several proposals.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BulkDecisionMode>))]
public enum BulkDecisionMode
{
    /// <summary>All or nothing: if any proposal is refused, none is decided and nothing runs.</summary>
    [JsonStringEnumMemberName("all")]
    All,

    /// <summary>Each on its own: every proposal that can be decided is; the answer says what happened to each.</summary>
    [JsonStringEnumMemberName("each")]
    Each,
}
