using GovernedCrm.Audit.Records;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// The approver's side over MCP: a rep's change to a deal over 50,000 waits in the queue; a manager lists it and
/// approves it (as proposed or edited) or rejects it; the server executes an approval once, with exactly the
/// approved values, unless the record changed since (stale). Separation of duties and expiry are enforced.
/// </summary>
public sealed class ApproverQueueTests
{
    [Fact]
    public async Task ManagerApproves_TheServerExecutesTheProposedValues_AndTheRequesterSeesTheOutcome()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);

        As(server, "maria");
        var list = await server.CallAsync("Approvals.ListPending", new { });
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });
        As(server, "ravi");
        var proposal = await server.CallAsync("CRM.GetProposal", new { approvalId });

        list.Structured().GetProperty("approvals")[0].GetProperty("approvalId").GetString().Should().Be(approvalId);
        list.Structured().GetProperty("approvals")[0].GetProperty("requester").GetString().Should().Be("ravi");
        decide.IsError.Should().NotBe(true, decide.Text());
        decide.Structured().GetProperty("decisions")[0].GetProperty("status").GetString().Should().Be("executed");
        (await DealAsync(server)).Should().Be("60000/2");
        proposal.Structured().GetProperty("status").GetString().Should().Be("executed");
        proposal.Structured().GetProperty("decidedBy").GetString().Should().Be("maria");
        var entries = await server.AuditEntriesAsync();
        entries.Select(e => e.Record.Event).Should().ContainInOrder(AuditEventType.ApprovalRequested, AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Executed);
        entries.Last(e => e.Record.Event == AuditEventType.Executed && e.Record.Tool == "CRM.UpdateRecord").Record.Actor.Should().Be("ravi", "the change runs as the requester");
    }

    [Fact]
    public async Task ManagerEditsThenApproves_TheEditedValueIsWritten()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve", editedProperties = new { amount = 55000 } });

        decide.IsError.Should().NotBe(true, decide.Text());
        (await DealAsync(server)).Should().Be("55000/2");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Approved && e.Record.Outcome!.StartsWith("approved:edited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManagerRejects_NothingChanges()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);

        As(server, "maria");
        var noReason = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "reject" });
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "reject", reason = "Not this quarter." });

        noReason.ErrorCode().Should().Be(ApprovalCodes.ReasonRequired);
        decide.IsError.Should().NotBe(true, decide.Text());
        (await DealAsync(server)).Should().Be("1000/1");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Rejected && e.Record.Approver == "maria");
    }

    [Fact]
    public async Task AManagerCannotApproveTheirOwnProposal_AndARepCannotDecideAtAll()
    {
        await using var server = await StartAsync();
        As(server, "maria");
        var approvalId = await ProposeAsync(server, 70000, asUser: "maria");

        var own = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });
        As(server, "ravi");
        var rep = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        own.ErrorCode().Should().Be(ApprovalCodes.SelfApproval);
        rep.ErrorCode().Should().Be(PolicyDenialCodes.Role);
        (await DealAsync(server)).Should().Be("1000/1");
    }

    [Fact]
    public async Task TheRecordChangedSinceTheProposal_TheApprovalIsStale_NothingIsOverwritten()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);
        (await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { dealname = "Renamed meanwhile" }, reason = "r" })).IsError.Should().NotBe(true);

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        decide.Structured().GetProperty("decisions")[0].GetProperty("status").GetString().Should().Be("stale");
        (await DealAsync(server)).Should().Be("1000/2", "the stale proposal wrote nothing");
    }

    [Fact]
    public async Task AnExpiredProposal_CannotBeApproved_AndTheExpiryIsAudited()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);
        server.Time.Advance(TimeSpan.FromHours(25));

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { approvalId }, decision = "approve" });

        decide.ErrorCode().Should().BeOneOf(ApprovalCodes.Expired, ApprovalCodes.NotPending);
        (await DealAsync(server)).Should().Be("1000/1");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Expired);
    }

    [Fact]
    public async Task WithADecisionWait_TheWaitingCallReturnsTheExecutedOutcome_WhenAManagerApprovesInTime()
    {
        await using var server = await StartAsync(new ApprovalOptions { DecisionWait = TimeSpan.FromSeconds(20) });
        var store = server.Services.GetRequiredService<IApprovalStore>();
        var service = server.Services.GetRequiredService<ApprovalService>();
        var runner = server.Services.GetRequiredService<ApprovedProposalDispatcher>();
        var maria = new GovernedCrm.Governance.Identity.CallerIdentity("maria", "default", ["manager"], "local");

        var waiting = server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 60000 }, reason = "Upsell signed" }).AsTask();
        ApprovalRequest? pending = null;
        for (var i = 0; i < 100 && pending is null; i++)
        {
            await Task.Delay(50);
            var list = await store.ListAsync("default", ApprovalStatus.Pending, 1, CancellationToken.None);
            pending = list.Count > 0 ? list[0] : null;
        }

        pending.Should().NotBeNull("the call queued its proposal and is waiting");
        (await service.DecideAsync(new ApprovalDecision(pending!.Id, maria, true, null, null, null), CancellationToken.None)).Succeeded.Should().BeTrue();
        await runner.ExecuteAsync(pending.Id, CancellationToken.None);
        var result = await waiting;

        result.IsError.Should().NotBe(true, result.Text());
        result.Structured().GetProperty("outcome").GetString().Should().Be("executed");
        result.Structured().GetProperty("approvalId").GetString().Should().Be(pending.Id);
        result.Structured().GetProperty("decidedBy").GetString().Should().Be("maria");
        (await DealAsync(server)).Should().Be("60000/2");
    }

    [Fact]
    public async Task ManyRunnersAtOnce_TheApprovedProposalRunsExactlyOnce()
    {
        await using var server = await StartAsync();
        var approvalId = await ProposeAsync(server, 60000);
        var maria = new GovernedCrm.Governance.Identity.CallerIdentity("maria", "default", ["manager"], "local");
        (await server.Services.GetRequiredService<ApprovalService>().DecideAsync(new ApprovalDecision(approvalId, maria, true, null, null, null), CancellationToken.None))
            .Succeeded.Should().BeTrue();
        var runner = server.Services.GetRequiredService<ApprovedProposalDispatcher>();

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => runner.ExecuteAsync(approvalId, CancellationToken.None))));

        runs.Count(r => r is not null).Should().Be(1, "one claim wins");
        (await DealAsync(server)).Should().Be("60000/2", "the write happened once");
        (await server.AuditEntriesAsync()).Count(e => e.Record.Event == AuditEventType.Executed && e.Record.Tool == "CRM.UpdateRecord").Should().Be(1);
    }

    private static async Task<string> ProposeAsync(McpTestServer server, int amount, string asUser = "ravi")
    {
        As(server, asUser);
        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount }, reason = "Upsell signed", confidence = 0.9 });
        result.Structured().GetProperty("outcome").GetString().Should().Be("pending_approval", result.Text());
        (await DealAsync(server)).Should().Be("1000/1");
        return result.Structured().GetProperty("approvalId").GetString()!;
    }

    private static void As(McpTestServer server, string user) =>
        server.Services.GetRequiredService<IOptions<LocalCallerOptions>>().Value.UserId = user;

    private static Task<McpTestServer> StartAsync(ApprovalOptions? options = null) =>
        McpTestServer.StartAsync(
            b => b.WithCrmTools().WithApprovalTools(),
            s =>
            {
                s.AddSingleton(options ?? new ApprovalOptions());
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                s.AddGovernancePolicy(sp => new ActivePolicy(BuiltInPolicy.Load(), sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<IApprovalStore, InMemoryApprovalStore>();
            });

    private static Task<string?> DealAsync(McpTestServer server) =>
        server.CrmScalarAsync("SELECT amount || '/' || version FROM deals WHERE id = 3001");
}
