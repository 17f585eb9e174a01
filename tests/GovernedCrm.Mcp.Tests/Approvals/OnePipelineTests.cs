using System.Collections.Concurrent;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Samples.CloseDeal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// One path for every call: a step the host adds to the pipeline runs for a live call, an approved built-in call
/// and an approved custom tool, in the same place (after the policy), with the same caller (the requester).
/// </summary>
public sealed class OnePipelineTests
{
    [Fact]
    public async Task AnExtraStep_RunsForALiveCall_AnApprovedBuiltInCall_AndAnApprovedCustomTool()
    {
        var seen = new ConcurrentQueue<string>();
        await using var server = await StartAsync(seen);

        As(server, "ravi");
        (await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" })).IsError.Should().NotBe(true);
        var update = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3002", properties = new { amount = 60000 }, reason = "Signed." });
        var close = await server.CallAsync("CRM.CloseDeal", new { dealId = "3017", won = true, reason = "Signed." });
        var updateId = update.Structured().GetProperty("approvalId").GetString()!;
        var closeId = close.Structured().GetProperty("approvalId").GetString()!;

        As(server, "maria");
        var decide = await server.CallAsync("Approvals.Decide", new { approvalIds = new[] { updateId, closeId }, decision = "approve" });

        decide.IsError.Should().NotBe(true, decide.Text());
        seen.Should().ContainInOrder(
            "CRM.GetRecord ravi live",
            "CRM.UpdateRecord ravi live",
            "CRM.CloseDeal ravi live",
            $"CRM.UpdateRecord ravi {updateId}",
            $"CRM.CloseDeal ravi {closeId}");
        (await server.CrmScalarAsync("SELECT amount FROM deals WHERE id = 3002")).Should().Be("60000");
        (await server.CrmScalarAsync("SELECT dealstage FROM deals WHERE id = 3017")).Should().Be("closedwon");
    }

    [Fact]
    public async Task AStepAfterAnUnknownStep_StopsTheServer_NamingTheSteps()
    {
        var start = () => McpTestServer.StartAsync(
            b => b.WithCrmTools().WithGovernanceStep("no-such-step", _ => new RecordingStep(new ConcurrentQueue<string>())),
            s => s.AddGovernancePolicy(new AllowAllPolicy()));

        var refused = await start.Should().ThrowAsync<GovernedCrm.Governance.Tools.GovernanceConfigurationException>();
        refused.Which.Message.Should().Contain("no-such-step").And.Contain("policy").And.Contain("write-ahead-audit");
    }

    // One row per required port of the pipeline and the approval queue: without it the server does not start, and says which.
    [Theory]
    [InlineData(typeof(GovernedCrm.Governance.Audit.IAuditTrail), "No audit trail is registered")]
    [InlineData(typeof(GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck), "No CRM connection check is registered")]
    [InlineData(typeof(GovernedCrm.Governance.Steps.RecordContext.IRecordContextReader), "No record context reader is registered")]
    [InlineData(typeof(IApprovalEvidence), "No approval evidence is registered")]
    [InlineData(typeof(IApprovalStore), "No approval store is registered")]
    [InlineData(typeof(IApprovalEditCheck), "No approval edit check is registered")]
    public async Task AMissingRequiredPort_StopsTheServerAtStartup_NamingIt(Type port, string message)
    {
        var start = () => McpTestServer.StartAsync(
            b => b.WithCrmTools().WithApprovalTools(),
            s =>
            {
                s.AddSingleton(new ApprovalOptions());
                s.AddSingleton<IApprovalStore, InMemoryApprovalStore>();
                s.AddGovernancePolicy(new AllowAllPolicy());
                s.RemoveAll(port);
            });

        (await start.Should().ThrowAsync<GovernedCrm.Governance.Tools.GovernanceConfigurationException>()).Which.Message.Should().Contain(message).And.Contain(port.Name);
    }

    private static void As(McpTestServer server, string user) =>
        server.Services.GetRequiredService<IOptions<LocalCallerOptions>>().Value.UserId = user;

    private static Task<McpTestServer> StartAsync(ConcurrentQueue<string> seen) =>
        McpTestServer.StartAsync(
            b => b.WithCrmTools().WithApprovalTools().WithGovernedTools<DealTools>().WithGovernanceStep("policy", _ => new RecordingStep(seen)),
            s =>
            {
                s.AddSingleton(new ApprovalOptions());
                s.AddSingleton<IApprovalStore, InMemoryApprovalStore>();
                var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "close-deal-policy.yaml")) + """

                      - id: approvals-queue
                        effect: allow
                        roles: [manager]
                        tools: ["Approvals.*"]
                      - id: deal-writes
                        effect: allow
                        roles: [rep]
                        tools: [CRM.UpdateRecord]
                        objects: [deal]
                      - id: big-deals
                        effect: require_approval
                        tools: [CRM.UpdateRecord]
                        objects: [deal]
                        when: "proposed.amount > 50000"
                        approval: { route: role, role: manager, reason: "Big deals need a manager." }

                    """;
                var policy = PolicyLoader.Load(yaml, "close-deal-policy.yaml+one-pipeline");
                policy.Policy.Should().NotBeNull(string.Join("; ", policy.Errors));
                s.AddGovernancePolicy(sp => new ActivePolicy(policy.Policy!, sp.GetRequiredService<TimeProvider>()));
            });

    private sealed class RecordingStep(ConcurrentQueue<string> seen) : IGovernanceStep
    {
        public string Name => "test-recorder";

        public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{call.Tool.ToolName} {call.Caller.UserId} {call.Approval?.Id ?? "live"}");
            return next(call, cancellationToken);
        }
    }
}
