using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Tools;
using GovernedCrm.Hosting.Adapters;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>An approver's edit is re-checked as the requester was identified when they proposed.</summary>
public sealed class PolicyApprovalEditCheckTests
{
    private const string Edited = """{"objectType":"deal","recordId":"3001","properties":{"amount":45000},"reason":"r"}""";

    [Fact]
    public async Task TokenRequesterWithTheViewerRole_IsCheckedAsAViewer_NotAsTheLocalDefault()
    {
        var check = Check();

        var asToken = await check.CheckAsync(Request("tina", "viewer", "token"), Edited, CancellationToken.None);
        var asLocal = await check.CheckAsync(Request("tina", "", "local"), Edited, CancellationToken.None);

        asToken.Should().BeOfType<PolicyDecision.Deny>().Which.Code.Should().Be(PolicyDenialCodes.Role, "the token said viewer");
        asLocal.Should().BeOfType<PolicyDecision.Allow>("an unlisted local user is a rep under the default policy");
    }

    [Fact]
    public async Task AnEditTheCrmWouldRefuse_IsDenied()
    {
        var decision = await Check().CheckAsync(Request("ravi", "", "local"), """{"objectType":"deal","recordId":"3001","properties":{"amount":"abc"},"reason":"r"}""", CancellationToken.None);

        decision.Should().BeOfType<PolicyDecision.Deny>().Which.Code.Should().Be("crm.invalid_value");
    }

    private static PolicyApprovalEditCheck Check()
    {
        var catalog = new GovernedToolCatalog();
        catalog.Register("CRM.UpdateRecord", typeof(CrmTools).GetMethod(nameof(CrmTools.UpdateRecord))!);
        var policy = new ActivePolicy(BuiltInPolicy.Load(), new FakeTimeProvider());
        return new PolicyApprovalEditCheck(policy, policy, catalog, records: null, new FakeTimeProvider());
    }

    private static ApprovalRequest Request(string requester, string roles, string source) => new()
    {
        Id = ApprovalIds.New(),
        Tenant = "default",
        Requester = requester,
        RequesterRoles = roles,
        RequesterSource = source,
        Tool = "CRM.UpdateRecord",
        ObjectType = "deal",
        RecordId = "3001",
        ArgumentsJson = Edited,
        ArgumentsDigest = new string('0', 64),
        Rule = "big-deals",
        Route = ApprovalRoute.Role,
        ApproverRole = "manager",
        ApprovalReason = "big",
        PolicyVersion = "v",
        ExecutionId = "e",
        CreatedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1),
    };
}
