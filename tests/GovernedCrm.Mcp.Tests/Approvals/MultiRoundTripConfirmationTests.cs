using System.Text.Json;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// Requester confirmation for protocol 2026-07-28 clients (multi round-trip requests): the first call answers
/// "input required" with the form and a signed request state; the client calls again with the answer. A forged,
/// altered, replayed or expired state is refused.
/// </summary>
public sealed class MultiRoundTripConfirmationTests
{
    private const string July2026 = "2026-07-28";

    [Theory]
    [InlineData("accept", "ada.lovelace@acme-robotics.example")]
    [InlineData("decline", "ada.adler0@acme-robotics.example")]
    public async Task Client2026_AnswersByCallingAgain_TheDecisionIsEnforced(string action, string expectedEmail)
    {
        var asked = 0;
        await using var server = await McpTestServer.StartAsync(
            services: s =>
            {
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                s.AddGovernancePolicy(sp => new ActivePolicy(BuiltInPolicy.Load(), sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<IApprovalInbox>(new InMemoryApprovalInbox());
                s.AddApprovalStep(); // the approval step, over this queue (no approver tools in these tests)
            },
            clientHandlers: new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked++;
                    request!.Message.Should().Contain("contact-email-change");
                    return ValueTask.FromResult(new ElicitResult { Action = action });
                },
            },
            protocolVersion: July2026);

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "contact", recordId = "1001", properties = new { email = "ada.lovelace@acme-robotics.example" }, reason = "new address" });

        asked.Should().Be(1);
        (await EmailAsync(server)).Should().Be(expectedEmail);
        var entries = new List<GovernedCrm.Audit.Entries.AuditEntry>();
        await foreach (var entry in GovernedCrm.Audit.Entries.AuditEntryReader.ReadAsync(server.AuditPaths.DatabasePath, null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        entries.Count(e => e.Record.Event == AuditEventType.Received).Should().Be(2, "the answer came back in a second request (multi round-trip), not by an elicitation request");
        entries.Count(e => e.Record.Event == AuditEventType.ApprovalRequested).Should().Be(1, "the question is audited once");
        if (action == "accept")
        {
            result.IsError.Should().NotBe(true, result.Text());
        }
        else
        {
            result.ErrorCode().Should().Be(ApprovalStep.DeclinedCode);
        }
    }

    [Fact]
    public async Task Client2026_WithoutElicitation_IsNotAsked_TheProposalIsQueued()
    {
        var inbox = new InMemoryApprovalInbox();
        await using var server = await McpTestServer.StartAsync(
            services: s =>
            {
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                s.AddGovernancePolicy(sp => new ActivePolicy(BuiltInPolicy.Load(), sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<IApprovalInbox>(inbox);
                s.AddApprovalStep(); // the approval step, over this queue (no approver tools in these tests)
            },
            protocolVersion: July2026);

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "contact", recordId = "1001", properties = new { email = "ada.lovelace@acme-robotics.example" }, reason = "new address" });

        result.IsError.Should().NotBe(true, result.Text());
        result.Structured().GetProperty("outcome").GetString().Should().Be("pending_approval");
        inbox.Requests.Should().ContainSingle();
        (await EmailAsync(server)).Should().Be("ada.adler0@acme-robotics.example");
    }

    [Fact]
    public async Task Signer_ForgedAlteredReplayedAndExpiredStates_AreRefused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var signer = new RequestStateSigner(time);
        var other = new RequestStateSigner(time);
        var state = signer.Sign("ravi", "CRM.UpdateRecord", "digest-1", "exec-1");

        other.Verify(state, "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode, "another server's key");
        signer.Verify(state[..^2] + (state[^2] == 'A' ? "BB" : "AA"), "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode, "a changed signature");
        signer.Verify("e30." + state.Split('.')[1], "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode, "a changed payload");
        signer.Verify(state, "mallory", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode, "another user");
        signer.Verify(state, "ravi", "CRM.UpdateRecord", "digest-2")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode, "other arguments");
        signer.Verify("not-a-state", "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ForgedCode);

        signer.Verify(state, "ravi", "CRM.UpdateRecord", "digest-1").Should().BeNull("the genuine state, first use");
        signer.Verify(state, "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ReplayedCode);

        var late = signer.Sign("ravi", "CRM.UpdateRecord", "digest-1", "exec-2");
        time.Advance(RequestStateSigner.Lifetime + TimeSpan.FromSeconds(1));
        signer.Verify(late, "ravi", "CRM.UpdateRecord", "digest-1")!.Value.Code.Should().Be(RequestStateSigner.ExpiredCode);
    }

    [Fact]
    public async Task ApprovalStep_TamperedState_IsRefusedAndAudited_NothingRuns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var signer = new RequestStateSigner(time);
        var trail = new RecordingAuditTrail();
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"objectType":"contact","recordId":"1001","properties":{"email":"x@y.example"},"reason":"r"}""")!;
        var tampered = signer.Sign("ravi", "CRM.UpdateRecord", "not-the-digest", "exec-1");
        var parameters = new CallToolRequestParams
        {
            Name = "CRM.UpdateRecord",
            RequestState = tampered,
            InputResponses = new Dictionary<string, InputResponse> { [MrtrConfirmation.InputKey] = InputResponse.FromElicitResult(new ElicitResult { Action = "accept" }) },
        };
        var call = new GovernedCall
        {
            Tool = new GovernedToolDescriptor("CRM.UpdateRecord", GovernedAction.Update, null, "objectType", "recordId", "crm"),
            Arguments = arguments,
            Caller = new CallerIdentity("ravi", "default", ["rep"], "local"),
            ExecutionId = "exec-2",
            ReceivedAt = time.GetUtcNow(),
            Confirmation = new MrtrConfirmation(parameters, signer),
            Decision = new PolicyDecision.RequireApproval(ApprovalRoute.Requester, null, "Confirm the email.") { PolicyVersion = "v", Rule = "contact-email-change" },
        };
        var ran = false;

        var outcome = await new GovernancePipelineBuilder()
            .AddStep(new ApprovalStep(new AllowAllPolicy(), new InMemoryApprovalInbox(), trail, time, new ApprovalOptions()))
            .Build()
            .ExecuteAsync(call, (_, _) => { ran = true; return ValueTask.FromResult("ran"); }, CancellationToken.None);

        ran.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be(RequestStateSigner.ForgedCode);
        trail.Records.Should().ContainSingle(r => r.Event == AuditEventType.Rejected && r.Outcome == "refused:" + RequestStateSigner.ForgedCode);
        trail.Records.Should().NotContain(r => r.Event == AuditEventType.ApprovalRequested, "a retry carries its answer; the question was audited the first time");
    }

    private static Task<string?> EmailAsync(McpTestServer server) =>
        server.CrmScalarAsync("SELECT email FROM contacts WHERE id = 1001");
}
