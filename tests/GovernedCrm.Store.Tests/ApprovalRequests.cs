using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Store.Tests;

internal static class ApprovalRequests
{
    // Millisecond precision: the store keeps Unix milliseconds.
    public static readonly DateTimeOffset Created = new(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);

    public static ApprovalRequest Pending(string tenant = "default", DateTimeOffset? created = null) => new()
    {
        Id = ApprovalIds.New(),
        Tenant = tenant,
        Requester = "ravi",
        Tool = "CRM.UpdateRecord",
        ObjectType = "deal",
        RecordId = "3017",
        ArgumentsJson = """{"objectType":"deal","recordId":"3017","properties":{"amount":60000},"reason":"r"}""",
        ArgumentsDigest = "ab12",
        Rule = "big-deals",
        Route = ApprovalRoute.Role,
        ApproverRole = "manager",
        ApprovalReason = "Changes to deals over 50,000 need a manager's approval.",
        PolicyVersion = "sha256:0123456789abcdef",
        ExecutionId = "exec-" + Guid.NewGuid().ToString("N"),
        CreatedAt = created ?? Created,
        ExpiresAt = (created ?? Created).AddHours(24),
    };

    /// <summary>Every field set, none at its default.</summary>
    public static ApprovalRequest Full() => Pending() with
    {
        RequesterRoles = "rep viewer",
        RequesterSource = "token",
        BeforeJson = """{"version":3,"amount":52000}""",
        RecordVersion = 3,
        Reason = "Customer asked for a bigger package",
        Confidence = 0.87,
        Route = ApprovalRoute.Requester,
        ApproverRole = "manager",
        Status = ApprovalStatus.Executed,
        DecidedBy = "maria",
        DecidedAt = Created.AddMinutes(5),
        DecisionNote = "ok, ünïcode ✓",
        ApprovedArgumentsJson = """{"objectType":"deal","recordId":"3017","properties":{"amount":45000},"reason":"r"}""",
        BulkId = ApprovalIds.NewBulk(),
        ResultJson = """{"version":4}""",
        CompletedAt = new DateTimeOffset(2026, 11, 23, 14, 6, 0, 999, TimeSpan.FromHours(2)),
    };
}
