using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// Requester confirmation by MCP elicitation (protocol 2025-11-25: the server sends elicitation/create), with the C# client
/// answering: accept, edit then accept, edit into a denied value, decline, cancel, and a client without
/// elicitation. The default policy asks the requester to confirm a change of a contact's email address, and
/// routes deals over 50,000 to a manager.
/// </summary>
public sealed class RequesterConfirmationTests
{
    // These tests drive the 2025-11-25 path (the server sends elicitation/create); MultiRoundTripConfirmationTests
    // drive the 2026-07-28 one.
    private const string ProtocolVersion = "2025-11-25";

    private const string NewEmail = "ada.new@acme-robotics.example";

    [Fact]
    public async Task Accept_TheChangeIsMadeAsProposed_AndAudited()
    {
        ElicitRequestParams? asked = null;
        await using var server = await StartAsync((request, _) =>
        {
            asked = request;
            return ValueTask.FromResult(new ElicitResult { Action = "accept" });
        });

        var result = await ChangeEmailAsync(server);

        result.IsError.Should().NotBe(true, result.Text());
        result.Structured().GetProperty("outcome").GetString().Should().Be("executed");
        (await EmailAsync(server)).Should().Be(NewEmail);
        asked!.Message.Should().Contain("CRM.UpdateRecord").And.Contain("contact 1001").And.Contain("contact-email-change")
            .And.Contain("ada.adler0@acme-robotics.example").And.Contain(NewEmail).And.Contain("Fix the typo").And.Contain("0.8");
        asked.RequestedSchema!.Properties.Should().ContainKey("email");
        var events = (await server.AuditEntriesAsync()).Select(e => e.Record.Event).ToList();
        events.Should().ContainInOrder(AuditEventType.ApprovalRequested, AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Executed);
    }

    [Fact]
    public async Task EditThenAccept_TheEditedValueIsWritten_AndBothValuesAreAudited()
    {
        await using var server = await StartAsync((_, _) => ValueTask.FromResult(new ElicitResult
        {
            Action = "accept",
            Content = new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("ada.edited@acme-robotics.example") },
        }));

        var result = await ChangeEmailAsync(server);

        result.IsError.Should().NotBe(true, result.Text());
        (await EmailAsync(server)).Should().Be("ada.edited@acme-robotics.example");
        var approved = (await server.AuditEntriesAsync()).Single(e => e.Record.Event == AuditEventType.Approved);
        approved.Record.Outcome.Should().StartWith("approved:edited");
        approved.Record.ProposedValues.Should().Contain(NewEmail);
        approved.Record.Result.Should().Contain("ada.edited@acme-robotics.example").And.Contain("\"editedBy\":\"ravi\"");
        approved.Record.Approver.Should().Be("ravi");
    }

    [Fact]
    public async Task EditIntoADeniedValue_IsRefused_AndNothingChanges()
    {
        // The edit adds nothing new here: it changes the email to a value the policy of this test denies.
        await using var server = await StartAsync(
            (_, _) => ValueTask.FromResult(new ElicitResult
            {
                Action = "accept",
                Content = new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("ceo@blocked.example") },
            }),
            DefaultPlus("""
                  - id: no-blocked-domains
                    effect: deny
                    tools: [CRM.UpdateRecord]
                    objects: [contact]
                    when: "proposed.email == 'ceo@blocked.example'"
                """));

        var result = await ChangeEmailAsync(server);

        result.ErrorCode().Should().Be(ApprovalStep.EditDeniedCode);
        result.Text().Should().Contain("policy.denied.rule");
        (await EmailAsync(server)).Should().Be("ada.adler0@acme-robotics.example");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Rejected && e.Record.Outcome!.StartsWith("rejected:edit_denied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decline_NothingChanges_AndTheRejectionIsAudited()
    {
        await using var server = await StartAsync((_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }));

        var result = await ChangeEmailAsync(server);

        result.ErrorCode().Should().Be(ApprovalStep.DeclinedCode);
        (await EmailAsync(server)).Should().Be("ada.adler0@acme-robotics.example");
        (await server.AuditEntriesAsync()).Should().Contain(e => e.Record.Event == AuditEventType.Rejected && e.Record.Outcome == "rejected:declined;single")
            .And.NotContain(e => e.Record.Event == AuditEventType.Executed);
    }

    [Fact]
    public async Task Cancel_GoesToTheQueue_NamingTheApprovalId_NothingChanges()
    {
        var inbox = new InMemoryApprovalInbox();
        await using var server = await StartAsync((_, _) => ValueTask.FromResult(new ElicitResult { Action = "cancel" }), inbox: inbox);

        var result = await ChangeEmailAsync(server);

        AssertQueued(result, inbox, "requester");
        result.Text().Should().Contain("cancelled");
        (await EmailAsync(server)).Should().Be("ada.adler0@acme-robotics.example");
    }

    [Fact]
    public async Task ClientWithoutElicitation_GoesToTheQueue_NothingChanges()
    {
        var inbox = new InMemoryApprovalInbox();
        await using var server = await StartAsync(elicit: null, inbox: inbox);

        var result = await ChangeEmailAsync(server);

        var request = AssertQueued(result, inbox, "requester");
        request.Requester.Should().Be("ravi");
        request.Route.Should().Be(ApprovalRoute.Requester);
        request.ArgumentsDigest.Should().HaveLength(64);
        request.BeforeJson.Should().Contain("ada.adler0@");
        request.RecordVersion.Should().Be(1);
        (await EmailAsync(server)).Should().Be("ada.adler0@acme-robotics.example");
    }

    [Fact]
    public async Task RoleRoute_NeverAsksTheRequester_GoesToTheQueueForAManager()
    {
        var asked = false;
        var inbox = new InMemoryApprovalInbox();
        await using var server = await StartAsync((_, _) => { asked = true; return ValueTask.FromResult(new ElicitResult { Action = "accept" }); }, inbox: inbox);

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 60000 }, reason = "Upsell" });

        var request = AssertQueued(result, inbox, "role:manager");
        request.Rule.Should().Be("big-deals");
        asked.Should().BeFalse("a manager approves this, not the requester");
        (await server.AuditEntriesAsync()).Should().NotContain(e => e.Record.Event == AuditEventType.Denied || e.Record.Event == AuditEventType.Executed);
    }

    private static ApprovalRequest AssertQueued(CallToolResult result, InMemoryApprovalInbox inbox, string approver)
    {
        result.IsError.Should().NotBe(true, "waiting for approval is not an error");
        var structured = result.Structured();
        structured.GetProperty("outcome").GetString().Should().Be("pending_approval");
        structured.GetProperty("approver").GetString().Should().Be(approver);
        var id = structured.GetProperty("approvalId").GetString()!;
        id.Should().MatchRegex("^apr_[0-9a-f]{24}$");
        result.Text().Should().Contain(id).And.Contain("governed-crm approvals approve " + id);
        return inbox.Requests.Should().ContainKey(id).WhoseValue;
    }

    private static string DefaultPlus(string rules) =>
        BuiltInPolicy.Text().Replace("\nfields:", rules.TrimEnd() + "\n\nfields:", StringComparison.Ordinal);

    private static Task<McpTestServer> StartAsync(
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit, string? policyText = null, InMemoryApprovalInbox? inbox = null) =>
        McpTestServer.StartAsync(
            services: s =>
            {
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                var policy = policyText is null ? BuiltInPolicy.Load() : PolicyLoader.Load(policyText, "test-policy.yaml").Policy ?? throw new InvalidOperationException("bad test policy");
                s.AddGovernancePolicy(sp => new ActivePolicy(policy, sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<IApprovalInbox>(inbox ?? new InMemoryApprovalInbox());
                s.AddApprovalStep(); // the approval step, over this queue (no approver tools in these tests)
            },
            clientHandlers: new McpClientHandlers { ElicitationHandler = elicit },
            protocolVersion: ProtocolVersion);

    private static ValueTask<CallToolResult> ChangeEmailAsync(McpTestServer server) =>
        server.CallAsync("CRM.UpdateRecord", new { objectType = "contact", recordId = "1001", properties = new { email = NewEmail }, reason = "Fix the typo in the address", confidence = 0.8 });

    private static Task<string?> EmailAsync(McpTestServer server) =>
        server.CrmScalarAsync("SELECT email FROM contacts WHERE id = 1001");
}
