using System.Text.Json.Nodes;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Server.Tests.Approvals;

/// <summary>
/// <c>governed-crm approvals list | show | approve | reject</c> as a real process, on a data folder whose proposals
/// were queued through the approval service; users come from the built-in default policy (ravi rep, maria manager,
/// vera viewer, nora a rep in northwind).
/// </summary>
public sealed class ApprovalsCommandTests : IDisposable
{
    private readonly ApprovalsDataFolder _data = new();

    [Fact]
    public async Task List_AsManager_ShowsThePendingProposal()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, stderr) = await _data.RunAsync("maria", "list");

        code.Should().Be(0, stderr);
        var line = stdout.Split('\n').Should().Contain(l => l.StartsWith(proposal.Id, StringComparison.Ordinal)).Which;
        line.Should().Contain("pending").And.Contain("CRM.UpdateRecord").And.Contain("deal/3017").And.Contain("ravi").And.Contain("big-deals");
    }

    [Fact]
    public async Task List_AsUserOfAnotherTenant_DoesNotShowIt()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, _) = await _data.RunAsync("nora", "list", "--all");
        var (jsonCode, json, _) = await _data.RunAsync("nora", "list", "--json");

        code.Should().Be(0);
        stdout.Should().NotContain(proposal.Id).And.Contain("no approvals in tenant northwind");
        jsonCode.Should().Be(0);
        JsonNode.Parse(json)!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task List_Json_OneObjectPerProposal_AllIncludesDecided()
    {
        var proposals = await _data.ProposeAsync(2);
        await _data.RunAsync("maria", "reject", proposals[0].Id, "--reason", "Not this quarter");

        var (_, pending, _) = await _data.RunAsync("maria", "list", "--json");
        var (_, all, _) = await _data.RunAsync("maria", "list", "--all", "--json");

        JsonNode.Parse(pending)!.AsArray().Select(p => p!["id"]!.GetValue<string>()).Should().Equal(proposals[1].Id);
        var everything = JsonNode.Parse(all)!.AsArray();
        everything.Should().HaveCount(2);
        everything.Single(p => p!["id"]!.GetValue<string>() == proposals[0].Id)!["status"]!.GetValue<string>().Should().Be("rejected");
    }

    [Fact]
    public async Task Show_AsManager_PrintsTheBeforeAfterTableAndTheAgentsRationale()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, stderr) = await _data.RunAsync("maria", "show", proposal.Id);
        var (jsonCode, json, _) = await _data.RunAsync("maria", "show", proposal.Id, "--json");
        var (otherCode, _, otherErr) = await _data.RunAsync("nora", "show", proposal.Id);

        code.Should().Be(0, stderr);
        stdout.Should().Contain("requester:   ravi").And.Contain("big-deals").And.Contain("The customer signed for the larger package.").And.Contain("0.9");
        stdout.Split('\n').Should().Contain(l => l.Contains("amount") && l.Contains("52000") && l.Contains("60000"));
        jsonCode.Should().Be(0);
        var change = JsonNode.Parse(json)!["changes"]![0]!;
        change["property"]!.GetValue<string>().Should().Be("amount");
        change["before"]!.GetValue<int>().Should().Be(52000);
        change["proposed"]!.GetValue<int>().Should().Be(60000);
        otherCode.Should().Be(1);
        otherErr.Should().Contain("governed-crm: refused: approval.not_found:");
    }

    [Fact]
    public async Task Approve_AsTheRequester_RefusedSelfApproval()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, _, stderr) = await _data.RunAsync("ravi", "approve", proposal.Id);

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.self_approval:");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task Approve_AsViewer_RefusedNotApprover()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, _, stderr) = await _data.RunAsync("vera", "approve", proposal.Id);

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.not_approver:");
    }

    [Fact]
    public async Task Approve_AsManager_ApprovedAndAuditedAndTheChainStaysValid()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, stderr) = await _data.RunAsync("maria", "approve", proposal.Id);

        code.Should().Be(0, stderr);
        stdout.Should().Contain($"approved: {proposal.Id}");
        var stored = await _data.ReadAsync(proposal.Id);
        stored.Status.Should().Be(ApprovalStatus.Approved);
        stored.DecidedBy.Should().Be("maria");
        var records = await _data.AuditRecordsAsync(proposal.ExecutionId);
        records.Select(r => r.Event).Should().Equal(AuditEventType.ApprovalRequested, AuditEventType.Approved);
        var approved = records[1];
        approved.Action.Should().Be(AuditActionType.Approve);
        approved.Approver.Should().Be("maria");
        approved.Actor.Should().Be("ravi");
        approved.Outcome.Should().Be("approved;single;approval:" + proposal.Id);
        var (verify, verifyOut, _) = await ServerProcess.RunAsync(["verify", "--data", _data.Path]);
        verify.Should().Be(0, verifyOut);
    }

    [Fact]
    public async Task Reject_WithoutReason_RefusedReasonRequired()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, _, stderr) = await _data.RunAsync("maria", "reject", proposal.Id);

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.reason_required:");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task Reject_WithReason_RejectedAndAudited()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, stderr) = await _data.RunAsync("maria", "reject", proposal.Id, "--reason", "Discount too large");

        code.Should().Be(0, stderr);
        stdout.Should().Contain($"rejected: {proposal.Id}");
        (await _data.ReadAsync(proposal.Id)).DecisionNote.Should().Be("Discount too large");
        var rejected = (await _data.AuditRecordsAsync(proposal.ExecutionId)).Last();
        rejected.Event.Should().Be(AuditEventType.Rejected);
        JsonNode.Parse(rejected.Result!)!["reason"]!.GetValue<string>().Should().Be("Discount too large");
    }

    [Fact]
    public async Task Approve_WithEdit_StoresTheEditedArgumentsAndAuditsApprovedEdited()
    {
        await _data.SeedCrmAsync();
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, stdout, stderr) = await _data.RunAsync("maria", "approve", proposal.Id, "--edit", """{"amount":45000}""");

        code.Should().Be(0, stderr);
        stdout.Should().Contain($"approved with edits: {proposal.Id}");
        var stored = await _data.ReadAsync(proposal.Id);
        stored.Status.Should().Be(ApprovalStatus.Approved);
        JsonNode.Parse(stored.ApprovedArgumentsJson!)!["properties"]!["amount"]!.GetValue<int>().Should().Be(45000);
        stored.ArgumentsJson.Should().Be(proposal.ArgumentsJson);
        var approved = (await _data.AuditRecordsAsync(proposal.ExecutionId)).Last();
        approved.Event.Should().Be(AuditEventType.Approved);
        approved.Outcome.Should().StartWith("approved:edited");
        JsonNode.Parse(approved.Result!)!["editedBy"]!.GetValue<string>().Should().Be("maria");
    }

    [Fact]
    public async Task Approve_WithEditTheRequesterMayNotWrite_RefusedEditDenied()
    {
        await _data.SeedCrmAsync();
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, _, stderr) = await _data.RunAsync("maria", "approve", proposal.Id, "--edit", """{"owner":"maria"}""");

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.edit_denied:").And.Contain("policy.denied.field_write");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task Approve_WithEditThatIsNotAnObject_RefusedInvalidEdit()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (code, _, stderr) = await _data.RunAsync("maria", "approve", proposal.Id, "--edit", "[45000]");

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.invalid_edit:");
    }

    [Fact]
    public async Task Approve_EditWithSeveralIds_UsageError()
    {
        var proposals = await _data.ProposeAsync(2);

        var (code, _, stderr) = await _data.RunAsync("maria", "approve", proposals[0].Id, proposals[1].Id, "--edit", """{"amount":1}""");

        code.Should().Be(2);
        stderr.Should().Contain("--edit applies to one approval at a time");
    }

    [Fact]
    public async Task Approve_TwoIds_BothApprovedInOneBulkDecision()
    {
        var proposals = await _data.ProposeAsync(2);

        var (code, stdout, stderr) = await _data.RunAsync("maria", "approve", proposals[0].Id, proposals[1].Id);

        code.Should().Be(0, stderr);
        stdout.Should().Contain($"approved: {proposals[0].Id}").And.Contain($"approved: {proposals[1].Id}");
        var first = await _data.ReadAsync(proposals[0].Id);
        var second = await _data.ReadAsync(proposals[1].Id);
        first.Status.Should().Be(ApprovalStatus.Approved);
        second.Status.Should().Be(ApprovalStatus.Approved);
        first.BulkId.Should().StartWith("bulk_").And.Be(second.BulkId);
        stdout.Should().Contain($"bulk decision {first.BulkId}: 2 approved, 0 refused");
        (await _data.AuditRecordsAsync(proposals[1].ExecutionId)).Last().Outcome.Should().Be("approved;bulk:" + first.BulkId + ";approval:" + proposals[1].Id);
    }

    [Fact]
    public async Task Approve_BulkWithOneRefused_Each_Exit1AndOneLinePerId()
    {
        var proposals = await _data.ProposeAsync(2);
        await _data.RunAsync("maria", "reject", proposals[0].Id, "--reason", "no");

        var (code, stdout, stderr) = await _data.RunAsync("maria", "approve", proposals[0].Id, proposals[1].Id, "--each");

        code.Should().Be(1);
        stderr.Should().Contain($"governed-crm: refused: approval.not_pending: The approval {proposals[0].Id} is rejected");
        stdout.Should().Contain($"approved: {proposals[1].Id}").And.Contain("1 approved, 1 refused");
        (await _data.ReadAsync(proposals[1].Id)).Status.Should().Be(ApprovalStatus.Approved);
    }

    [Fact]
    public async Task Approve_BulkWithOneRefused_ByDefault_NothingIsDecided()
    {
        var proposals = await _data.ProposeAsync(2);
        await _data.RunAsync("maria", "reject", proposals[0].Id, "--reason", "no");

        var (code, _, stderr) = await _data.RunAsync("maria", "approve", proposals[0].Id, proposals[1].Id);

        code.Should().Be(1);
        stderr.Should().Contain($"governed-crm: refused: approval.not_pending: The approval {proposals[0].Id} is rejected")
            .And.Contain($"governed-crm: refused: approval.batch_refused:");
        (await _data.ReadAsync(proposals[1].Id)).Status.Should().Be(ApprovalStatus.Pending, "a bulk decision is all or nothing by default");
    }

    [Fact]
    public async Task Approve_Expired_RefusedExpiredAndAuditedOnce()
    {
        var proposal = (await _data.ProposeAsync(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5))).Single();

        var (code, _, stderr) = await _data.RunAsync("maria", "approve", proposal.Id);

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: approval.expired:");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Expired);
        var expired = (await _data.AuditRecordsAsync(proposal.ExecutionId)).Where(r => r.Event == AuditEventType.Expired).Should().ContainSingle().Subject;
        expired.Action.Should().Be(AuditActionType.Deny);
        expired.Outcome.Should().Be("expired;approval:" + proposal.Id);
    }

    [Fact]
    public async Task List_ShowsDueProposalsAsExpiredWithoutRecordingAnything()
    {
        var proposal = (await _data.ProposeAsync(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5))).Single();

        var (code, stdout, _) = await _data.RunAsync("maria", "list");
        var (allCode, all, _) = await _data.RunAsync("maria", "list", "--all", "--json");

        code.Should().Be(0);
        stdout.Should().NotContain(proposal.Id);
        allCode.Should().Be(0);
        JsonNode.Parse(all)!.AsArray().Single()!["status"]!.GetValue<string>().Should().Be("expired");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending, "list only reads; the server or a decision records the expiry");
        (await _data.AuditRecordsAsync(proposal.ExecutionId)).Should().NotContain(r => r.Event == AuditEventType.Expired);
    }

    [Fact]
    public async Task Approve_TwoProcessesAtOnce_ExactlyOneWins()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var results = await Task.WhenAll(
            _data.RunAsync("maria", "approve", proposal.Id),
            _data.RunAsync("maria", "approve", proposal.Id));

        results.Count(r => r.ExitCode == 0).Should().Be(1, string.Join("\n", results.Select(r => r.Stderr)));
        var loser = results.Single(r => r.ExitCode != 0);
        loser.ExitCode.Should().Be(1, loser.Stderr);
        loser.Stderr.Should().Match(s => s.Contains("refused: approval.already_decided:") || s.Contains("refused: approval.not_pending:"));
        (await _data.AuditRecordsAsync(proposal.ExecutionId)).Count(r => r.Event == AuditEventType.Approved).Should().Be(1);
    }

    [Fact]
    public async Task AnyVerb_UserThePolicyDoesNotKnow_Exit1BeforeTouchingTheDataFolder()
    {
        var policy = System.IO.Path.Combine(_data.Path, "listed-only.yaml");
        await File.WriteAllLinesAsync(policy, File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "default.yaml"))
            .Where(l => !l.StartsWith("local_default:", StringComparison.Ordinal)));

        var (code, _, stderr) = await _data.RunAsOsUserAsync(["list", "--policy", policy]);

        code.Should().Be(1);
        stderr.Should().Contain("governed-crm: refused: policy.denied.unknown_user:").And.Contain($"'{Environment.UserName}'");
        File.Exists(System.IO.Path.Combine(_data.Path, "governance.db")).Should().BeFalse();
    }

    public void Dispose() => _data.Dispose();
}
