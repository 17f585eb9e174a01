using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Store;

/// <summary>One row of the <c>approvals</c> table, as Dapper reads and writes it (times in Unix milliseconds).</summary>
internal sealed class ApprovalRow
{
    /// <summary>The columns, aliased to this class's property names.</summary>
    public const string Columns = """
        id AS Id, tenant AS Tenant, requester AS Requester, requester_roles AS RequesterRoles, requester_source AS RequesterSource, tool AS Tool, object_type AS ObjectType, record_id AS RecordId,
        arguments_json AS ArgumentsJson, arguments_digest AS ArgumentsDigest, before_json AS BeforeJson, record_version AS RecordVersion,
        reason AS Reason, confidence AS Confidence, rule AS Rule, route AS Route, approver_role AS ApproverRole,
        approval_reason AS ApprovalReason, policy_version AS PolicyVersion, execution_id AS ExecutionId,
        created_at AS CreatedAt, expires_at AS ExpiresAt, status AS Status, decided_by AS DecidedBy, decided_at AS DecidedAt,
        decision_note AS DecisionNote, approved_arguments_json AS ApprovedArgumentsJson, bulk_id AS BulkId,
        result_json AS ResultJson, completed_at AS CompletedAt, decision_seq AS DecisionSequence
        """;

    public string Id { get; set; } = "";

    public string Tenant { get; set; } = "";

    public string Requester { get; set; } = "";

    public string RequesterRoles { get; set; } = "";

    public string RequesterSource { get; set; } = "local";

    public string Tool { get; set; } = "";

    public string? ObjectType { get; set; }

    public string? RecordId { get; set; }

    public string ArgumentsJson { get; set; } = "";

    public string ArgumentsDigest { get; set; } = "";

    public string? BeforeJson { get; set; }

    public long? RecordVersion { get; set; }

    public string? Reason { get; set; }

    public double? Confidence { get; set; }

    public string Rule { get; set; } = "";

    public string Route { get; set; } = "";

    public string? ApproverRole { get; set; }

    public string ApprovalReason { get; set; } = "";

    public string PolicyVersion { get; set; } = "";

    public string ExecutionId { get; set; } = "";

    public long CreatedAt { get; set; }

    public long ExpiresAt { get; set; }

    public string Status { get; set; } = "";

    public string? DecidedBy { get; set; }

    public long? DecidedAt { get; set; }

    public string? DecisionNote { get; set; }

    public string? ApprovedArgumentsJson { get; set; }

    public string? BulkId { get; set; }

    public string? ResultJson { get; set; }

    public long? CompletedAt { get; set; }

    public long? DecisionSequence { get; set; }

    public static ApprovalRow From(ApprovalRequest request) => new()
    {
        Id = request.Id,
        Tenant = request.Tenant,
        Requester = request.Requester,
        RequesterRoles = request.RequesterRoles,
        RequesterSource = request.RequesterSource,
        Tool = request.Tool,
        ObjectType = request.ObjectType,
        RecordId = request.RecordId,
        ArgumentsJson = request.ArgumentsJson,
        ArgumentsDigest = request.ArgumentsDigest,
        BeforeJson = request.BeforeJson,
        RecordVersion = request.RecordVersion,
        Reason = request.Reason,
        Confidence = request.Confidence,
        Rule = request.Rule,
        Route = request.Route == ApprovalRoute.Role ? "role" : "requester",
        ApproverRole = request.ApproverRole,
        ApprovalReason = request.ApprovalReason,
        PolicyVersion = request.PolicyVersion,
        ExecutionId = request.ExecutionId,
        CreatedAt = request.CreatedAt.ToUnixTimeMilliseconds(),
        ExpiresAt = request.ExpiresAt.ToUnixTimeMilliseconds(),
        Status = request.Status.ToName(),
        DecidedBy = request.DecidedBy,
        DecidedAt = request.DecidedAt?.ToUnixTimeMilliseconds(),
        DecisionNote = request.DecisionNote,
        ApprovedArgumentsJson = request.ApprovedArgumentsJson,
        BulkId = request.BulkId,
        ResultJson = request.ResultJson,
        CompletedAt = request.CompletedAt?.ToUnixTimeMilliseconds(),
        DecisionSequence = request.DecisionSequence,
    };

    public ApprovalRequest ToRequest() => new()
    {
        Id = Id,
        Tenant = Tenant,
        Requester = Requester,
        RequesterRoles = RequesterRoles,
        RequesterSource = RequesterSource,
        Tool = Tool,
        ObjectType = ObjectType,
        RecordId = RecordId,
        ArgumentsJson = ArgumentsJson,
        ArgumentsDigest = ArgumentsDigest,
        BeforeJson = BeforeJson,
        RecordVersion = RecordVersion,
        Reason = Reason,
        Confidence = Confidence,
        Rule = Rule,
        Route = Route switch
        {
            "role" => ApprovalRoute.Role,
            "requester" => ApprovalRoute.Requester,
            _ => throw new InvalidDataException($"The approval {Id} has an unknown route '{Route}'."),
        },
        ApproverRole = ApproverRole,
        ApprovalReason = ApprovalReason,
        PolicyVersion = PolicyVersion,
        ExecutionId = ExecutionId,
        CreatedAt = Time(CreatedAt),
        ExpiresAt = Time(ExpiresAt),
        Status = ApprovalStatusNames.TryParse(Status, out var status)
            ? status
            : throw new InvalidDataException($"The approval {Id} has an unknown status '{Status}'."),
        DecidedBy = DecidedBy,
        DecidedAt = DecidedAt is { } decided ? Time(decided) : null,
        DecisionNote = DecisionNote,
        ApprovedArgumentsJson = ApprovedArgumentsJson,
        BulkId = BulkId,
        ResultJson = ResultJson,
        CompletedAt = CompletedAt is { } completed ? Time(completed) : null,
        DecisionSequence = DecisionSequence,
    };

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
