using GovernedCrm.Audit.Records;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using GovernedCrm.Samples.CloseDeal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// Approved proposals of custom governed tools (the CloseDeal sample's CRM.CloseDeal and test tools) run once,
/// as their requester, with the approved arguments, behind the same write-ahead audit as the CRM tools.
/// </summary>
public sealed class CustomToolApprovalTests
{
    private const string BigDeal = "3017";

    [Fact]
    public async Task ManagerApprovesABigWin_TheDealIsClosedAsTheRep_AndAudited()
    {
        await using var server = await StartAsync();
        var before = await DealVersionAsync(server);
        var approvalId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        decide.IsError.Should().NotBe(true, decide.Text());
        var decision = decide.Structured().GetProperty("decisions")[0];
        decision.GetProperty("status").GetString().Should().Be("executed", decision.ToString());
        decision.GetProperty("result").GetProperty("result").GetString().Should().Contain("closedwon");
        (await server.CrmScalarAsync($"SELECT dealstage || '/' || version FROM deals WHERE id = {BigDeal}")).Should().Be($"closedwon/{before + 1}");
        var entries = (await server.AuditEntriesAsync()).Where(e => e.Record.Tool == "CRM.CloseDeal").ToList();
        entries.Select(e => e.Record.Event).Should().ContainInOrder(
            AuditEventType.ApprovalRequested, AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Executed);
        var executed = entries.Single(e => e.Record.Event == AuditEventType.Executed).Record;
        executed.Actor.Should().Be("ravi", "the approved change runs as the requester");
        executed.Approver.Should().Be("maria");
        executed.Outcome.Should().Be($"executed;approval:{approvalId}");
        entries.Single(e => e.Record.Event == AuditEventType.Proposed).Record.Actor.Should().Be("ravi");
    }

    [Fact]
    public async Task ApprovingAgain_DoesNotRunTheToolTwice()
    {
        await using var server = await StartAsync();
        var before = await DealVersionAsync(server);
        var approvalId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });
        As(server, "maria");
        (await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" })).IsError.Should().NotBe(true);

        var again = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });
        var rerun = await server.Services.GetRequiredService<ApprovedProposalDispatcher>().ExecuteAsync(approvalId, CancellationToken.None);

        again.IsError.Should().Be(true);
        rerun.Should().BeNull("the proposal was claimed and executed already");
        (await DealVersionAsync(server)).Should().Be(before + 1);
        (await server.AuditEntriesAsync()).Count(e => e.Record.Event == AuditEventType.Executed && e.Record.Tool == "CRM.CloseDeal").Should().Be(1);
    }

    [Fact]
    public async Task ManagerRejects_TheDealIsUnchanged()
    {
        await using var server = await StartAsync();
        var before = await DealStateAsync(server);
        var approvalId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "reject", reason = "Not signed yet." });

        decide.IsError.Should().NotBe(true, decide.Text());
        (await DealStateAsync(server)).Should().Be(before);
        var entries = (await server.AuditEntriesAsync()).Where(e => e.Record.Tool == "CRM.CloseDeal").ToList();
        entries.Should().Contain(e => e.Record.Event == AuditEventType.Rejected && e.Record.Approver == "maria");
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Executed);
    }

    [Fact]
    public async Task AnEditOfACustomToolWithoutProperties_IsRefused_AndTheProposalStaysPending()
    {
        await using var server = await StartAsync();
        var before = await DealStateAsync(server);
        var approvalId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve", editedProperties = new { won = false } });
        var proposal = await server.CallAsync("CRM.GetProposal", new { approvalId });

        decide.ErrorCode().Should().Be(ApprovalCodes.InvalidEdit);
        decide.Text().Should().Contain("no properties to edit");
        proposal.Structured().GetProperty("status").GetString().Should().Be("pending");
        (await DealStateAsync(server)).Should().Be(before);
    }

    [Fact]
    public async Task ACustomToolThatThrows_TheProposalFailsWithAGenericCode_AndNoDetailLeaks()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, "Test.BreakDeal", new { dealId = BigDeal });

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        var decision = decide.Structured().GetProperty("decisions")[0];
        decision.GetProperty("status").GetString().Should().Be("failed");
        decision.GetProperty("result").GetProperty("code").GetString().Should().Be(ToolRunCodes.ToolFailed);
        decision.GetProperty("result").GetProperty("message").GetString().Should().Contain("InvalidOperationException");
        decide.Text().Should().NotContain(CustomDealTools.Secret).And.NotContain(" at ").And.NotContain("BreakDeal(");
        var stored = await server.Services.GetRequiredService<IApprovalStore>().GetAsync(approvalId, CancellationToken.None);
        stored!.Status.Should().Be(ApprovalStatus.Failed);
        stored.ResultJson.Should().NotContain(CustomDealTools.Secret);
        var entries = (await server.AuditEntriesAsync()).Where(e => e.Record.Tool == "Test.BreakDeal").ToList();
        entries.Select(e => e.Record.Event).Should().ContainInOrder(AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Failed);
        var failed = entries.Single(e => e.Record.Event == AuditEventType.Failed).Record;
        failed.Actor.Should().Be("ravi");
        failed.Result.Should().Contain(ToolRunCodes.ToolFailed).And.NotContain(CustomDealTools.Secret);
    }

    [Fact]
    public async Task ApprovedOutsideAnyCall_TheRunnerRunsTheCustomTool_AsTheRequester_WithTheSensitiveResultRedacted()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, "Test.IssueDealCode", new { dealId = BigDeal });

        // As `governed-crm approvals approve` does: the decision goes to the queue; the server's executor runs it later.
        var maria = new CallerIdentity("maria", "default", ["manager"], "local");
        (await server.Services.GetRequiredService<ApprovalService>().DecideAsync(new ApprovalDecision(approvalId, maria, true, null, null, null), CancellationToken.None))
            .Succeeded.Should().BeTrue();
        var done = await server.Services.GetRequiredService<ApprovedProposalDispatcher>().ExecuteAsync(approvalId, CancellationToken.None);

        done!.Status.Should().Be(ApprovalStatus.Executed, done.ResultJson);
        using var result = System.Text.Json.JsonDocument.Parse(done.ResultJson!);
        var issued = result.RootElement.GetProperty("result");
        issued.GetProperty("issuedTo").GetString().Should().Be("ravi");
        issued.GetProperty("issuedToRoles").GetString().Should().Be("rep", "the tool sees the requester's roles from the policy");
        issued.GetProperty("channel").GetString().Should().Be("email", "an optional argument keeps its default");
        issued.GetProperty("code").GetString().Should().Be(AuditRedaction.Redacted);
        done.ResultJson.Should().NotContain("C0DE-7731");
        var entries = (await server.AuditEntriesAsync()).Where(e => e.Record.Tool == "Test.IssueDealCode").ToList();
        entries.Select(e => e.Record.Event).Should().ContainInOrder(AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Executed);
        entries.Single(e => e.Record.Event == AuditEventType.Executed).Record.Result.Should().NotContain("C0DE-7731");
    }

    [Fact]
    public async Task ACustomToolThatNeedsALiveSession_IsNotExecutable_AndSaysWhy()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, "Test.AskAboutDeal", new { dealId = BigDeal });

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        var decision = decide.Structured().GetProperty("decisions")[0];
        decision.GetProperty("status").GetString().Should().Be("failed");
        decision.GetProperty("result").GetProperty("code").GetString().Should().Be(ToolRunCodes.NotExecutable);
        decision.GetProperty("result").GetProperty("message").GetString().Should().Contain("'server'").And.Contain("live MCP session");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Failed && e.Record.Tool == "Test.AskAboutDeal");
    }

    [Fact]
    public async Task TheApproverSeesEveryArgumentOfACustomTool_ButNotItsSensitiveOnes()
    {
        const string Key = "pk-live-2f9c51e0a7";
        await using var server = await StartAsync();
        var closeId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });
        var shareId = await ProposeAsync(server, "Test.ShareDeal", new { dealId = BigDeal, partner = "Northwind", accessKey = Key });

        As(server, "maria");
        var list = await server.CallAsync("Approvals.ListPending", new { });
        As(server, "ravi");
        var proposal = await server.CallAsync("CRM.GetProposal", new { approvalId = shareId });

        var approvals = list.Structured().GetProperty("approvals").EnumerateArray().ToList();
        var close = approvals.Single(a => a.GetProperty("approvalId").GetString() == closeId).GetProperty("arguments");
        close.GetProperty("won").GetBoolean().Should().BeTrue("the approver must see that the deal is closed as won");
        close.GetProperty("dealId").GetString().Should().Be(BigDeal);
        var share = approvals.Single(a => a.GetProperty("approvalId").GetString() == shareId).GetProperty("arguments");
        share.GetProperty("partner").GetString().Should().Be("Northwind");
        share.GetProperty("accessKey").GetString().Should().Be("[redacted]");
        list.Text().Should().NotContain(Key);
        proposal.Structured().GetProperty("arguments").GetProperty("accessKey").GetString().Should().Be("[redacted]");
        proposal.Text().Should().NotContain(Key);
    }

    [Fact]
    public async Task TheDealChangedSinceTheProposal_TheApprovalIsStale_AndTheToolDoesNotRun()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, "CRM.CloseDeal", new { dealId = BigDeal, won = true, reason = "Signed." });
        var lost = await server.CallAsync("CRM.CloseDeal", new { dealId = BigDeal, won = false, reason = "The customer walked away meanwhile." });
        lost.IsError.Should().NotBe(true, lost.Text());
        var before = await DealStateAsync(server);

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        var decision = decide.Structured().GetProperty("decisions")[0];
        decision.GetProperty("status").GetString().Should().Be("stale", decision.ToString());
        (await DealStateAsync(server)).Should().Be(before, "the approver saw the deal before it was closed as lost: the win did not run");
        var entries = (await server.AuditEntriesAsync()).Where(e => e.Record.Outcome?.EndsWith($"approval:{approvalId}", StringComparison.Ordinal) == true).ToList();
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Executed);
        entries.Should().Contain(e => e.Record.Event == AuditEventType.Denied && e.Record.Outcome == $"denied:approval.stale;approval:{approvalId}", "the approval step refuses a stale run before anything runs");
    }

    private static async Task<string> ProposeAsync(McpTestServer server, string tool, object arguments)
    {
        As(server, "ravi");
        var result = await server.CallAsync(tool, arguments);
        result.Structured().GetProperty("outcome").GetString().Should().Be("pending_approval", result.Text());
        return result.Structured().GetProperty("approvalId").GetString()!;
    }

    private static void As(McpTestServer server, string user) =>
        server.Services.GetRequiredService<IOptions<LocalCallerOptions>>().Value.UserId = user;

    private static async Task<long> DealVersionAsync(McpTestServer server) =>
        long.Parse((await server.CrmScalarAsync($"SELECT version FROM deals WHERE id = {BigDeal}"))!, System.Globalization.CultureInfo.InvariantCulture);

    private static Task<string?> DealStateAsync(McpTestServer server) =>
        server.CrmScalarAsync($"SELECT dealstage || '/' || version FROM deals WHERE id = {BigDeal}");

    // The sample's policy, with its managers working an approval queue, and the test tools needing a manager too.
    private static Task<McpTestServer> StartAsync() =>
        McpTestServer.StartAsync(
            b => b.WithCrmTools().WithApprovalTools().WithGovernedTools<DealTools>().WithGovernedTools<CustomDealTools>(),
            s =>
            {
                s.AddSingleton(new ApprovalOptions());
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                s.AddSingleton<IApprovalStore, InMemoryApprovalStore>();
                var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "close-deal-policy.yaml")) + QueueRules;
                var policy = PolicyLoader.Load(yaml, "close-deal-policy.yaml+queue");
                policy.Policy.Should().NotBeNull(string.Join("; ", policy.Errors));
                s.AddGovernancePolicy(sp => new ActivePolicy(policy.Policy!, sp.GetRequiredService<TimeProvider>()));
            });

    private const string QueueRules = """

          - id: approvals-queue
            effect: allow
            roles: [manager]
            tools: ["Approvals.*"]
          - id: proposals
            effect: allow
            roles: [rep, manager]
            tools: [CRM.GetProposal]
          - id: test-tools
            effect: allow
            roles: [rep, manager]
            tools: ["Test.*"]
            objects: [deal]
          - id: test-tools-need-a-manager
            effect: require_approval
            tools: ["Test.*"]
            objects: [deal]
            approval: { route: role, role: manager, reason: "The test tools need a manager." }

        """;
}
