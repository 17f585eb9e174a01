using System.Text.Json.Serialization;

namespace GovernedCrm.Mcp.Tools;

/// <summary>An approver's verdict.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApprovalVerdict>))]
public enum ApprovalVerdict
{
    /// <summary>Approve: the proposal is executed with the approved values.</summary>
    [JsonStringEnumMemberName("approve")]
    Approve,

    /// <summary>Reject: nothing is changed.</summary>
    [JsonStringEnumMemberName("reject")]
    Reject,
}
