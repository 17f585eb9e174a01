using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Approvals;

internal static class ApprovalTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static CallerIdentity Maria { get; } = new("maria", CallerIdentity.DefaultTenant, ["manager"], "local");

    public static CallerIdentity Ravi { get; } = new("ravi", CallerIdentity.DefaultTenant, ["rep"], "local");

    public static CallerIdentity Vera { get; } = new("vera", CallerIdentity.DefaultTenant, ["viewer"], "local");

    public static CallerIdentity Nora { get; } = new("nora", "northwind", ["manager"], "local");

    public static ApprovalRequest Pending(
        string? id = null,
        string properties = """{"amount":60000,"dealname":"Big"}""",
        ApprovalRoute route = ApprovalRoute.Role,
        DateTimeOffset? expiresAt = null) => new()
        {
            Id = id ?? ApprovalIds.New(),
            Tenant = CallerIdentity.DefaultTenant,
            Requester = "ravi",
            Tool = "CRM.UpdateRecord",
            ObjectType = "deal",
            RecordId = "3017",
            ArgumentsJson = $$"""{"objectType":"deal","recordId":"3017","properties":{{properties}},"reason":"Customer asked","confidence":0.8}""",
            ArgumentsDigest = "d1",
            BeforeJson = """{"version":3,"amount":52000,"dealname":"Big"}""",
            RecordVersion = 3,
            Reason = "Customer asked",
            Confidence = 0.8,
            Rule = "big-deals",
            Route = route,
            ApproverRole = route == ApprovalRoute.Role ? "manager" : null,
            ApprovalReason = "Changes to deals over 50,000 need a manager's approval.",
            PolicyVersion = "sha256:0123456789abcdef",
            ExecutionId = "exec-" + Guid.NewGuid().ToString("N"),
            CreatedAt = Now,
            ExpiresAt = expiresAt ?? Now.AddHours(24),
        };
}
