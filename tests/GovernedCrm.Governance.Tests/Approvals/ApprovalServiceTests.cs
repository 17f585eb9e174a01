using System.Text.Json;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tests.Audit;
using Microsoft.Extensions.Time.Testing;
using static GovernedCrm.Governance.Tests.Approvals.ApprovalTestData;

namespace GovernedCrm.Governance.Tests.Approvals;

/// <summary>Who may decide which proposal, and what each decision leaves in the store and the audit trail.</summary>
public sealed partial class ApprovalServiceTests
{
    private readonly InMemoryApprovalStore _store = new();
    private readonly RecordingAuditTrail _audit = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly FakeEditCheck _editCheck = new();
    private readonly ApprovalService _service;

    public ApprovalServiceTests() => _service = new ApprovalService(_store, _audit, _time, _editCheck);

    [Fact]
    public async Task SubmitAsync_Pending_StoresItAndAuditsApprovalRequested()
    {
        var pending = Pending();

        var stored = await _service.SubmitAsync(pending, CancellationToken.None);

        stored.Should().Be(pending);
        (await _store.GetAsync(pending.Id, CancellationToken.None)).Should().Be(pending);
        var entry = _audit.Records.Should().ContainSingle().Subject;
        entry.Event.Should().Be(AuditEventType.ApprovalRequested);
        entry.Tenant.Should().Be("default");
        entry.Actor.Should().Be("ravi");
        entry.ExecutionId.Should().Be(pending.ExecutionId);
        entry.Tool.Should().Be("CRM.UpdateRecord");
        entry.ObjectType.Should().Be("deal");
        entry.RecordId.Should().Be("3017");
        entry.Rule.Should().Be("big-deals");
        entry.PolicyVersion.Should().Be(pending.PolicyVersion);
        entry.Properties.Should().Be("amount,dealname");
        Json(entry.ProposedValues).Should().Be(Json("""{"amount":60000,"dealname":"Big"}"""));
        Json(entry.PreviousValues).Should().Be(Json(pending.BeforeJson));
        entry.Reasoning.Should().Be("Customer asked");
        entry.Confidence.Should().Be(0.8);
        entry.Outcome.Should().Be("pending_approval:" + pending.Id);
        entry.Approver.Should().Be("role:manager");
        entry.ArgumentsDigest.Should().Be("d1");
    }

    [Fact]
    public async Task SubmitAsync_AuditUnavailable_ThrowsAndQueuesNothing()
    {
        _audit.Fail = true;
        var pending = Pending();

        var submit = () => _service.SubmitAsync(pending, CancellationToken.None);

        await submit.Should().ThrowAsync<AuditUnavailableException>();
        (await _store.GetAsync(pending.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task SubmitAsync_AlreadyDecided_Throws()
    {
        var submit = () => _service.SubmitAsync(Pending() with { Status = ApprovalStatus.Approved }, CancellationToken.None);

        await submit.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task DecideAsync_UnknownId_NotFound()
    {
        var result = await Approve("apr_000000000000000000000000", Maria);

        result.Should().Match<ApprovalResult>(r => !r.Succeeded && r.Code == ApprovalCodes.NotFound && r.Request == null);
    }

    [Fact]
    public async Task DecideAsync_AnotherTenantsProposal_NotFoundRevealingNothing()
    {
        var pending = await SubmitAsync(Pending());

        var result = await Approve(pending.Id, Nora);

        result.Code.Should().Be(ApprovalCodes.NotFound);
        result.Request.Should().BeNull();
        result.Message.Should().NotContain("ravi").And.NotContain("3017").And.NotContain("CRM.");
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task DecideAsync_AlreadyApproved_NotPendingSayingTheStatus()
    {
        var pending = await SubmitAsync(Pending());
        (await Approve(pending.Id, Maria)).Succeeded.Should().BeTrue();

        var again = await Reject(pending.Id, Maria, "changed my mind");

        again.Code.Should().Be(ApprovalCodes.NotPending);
        again.Message.Should().Contain("approved");
    }

    [Fact]
    public async Task DecideAsync_RequesterApprovesOwnProposal_SelfApprovalEvenWhenHoldingTheRole()
    {
        var pending = await SubmitAsync(Pending());
        var raviTheManager = Ravi with { Roles = ["rep", "manager"] };

        var result = await Approve(pending.Id, raviTheManager);

        result.Code.Should().Be(ApprovalCodes.SelfApproval);
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task DecideAsync_WithoutTheRole_NotApprover()
    {
        var pending = await SubmitAsync(Pending());

        var approve = await Approve(pending.Id, Vera);
        var reject = await Reject(pending.Id, Vera, "no");

        approve.Code.Should().Be(ApprovalCodes.NotApprover);
        approve.Message.Should().Contain("manager");
        reject.Code.Should().Be(ApprovalCodes.NotApprover);
    }

    [Fact]
    public async Task DecideAsync_RequesterRoute_OnlyTheRequesterConfirms()
    {
        var pending = await SubmitAsync(Pending(route: ApprovalRoute.Requester));

        var byManager = await Approve(pending.Id, Maria);
        var byRequester = await Approve(pending.Id, Ravi);

        byManager.Code.Should().Be(ApprovalCodes.NotRequester);
        byRequester.Succeeded.Should().BeTrue();
        byRequester.Request!.DecidedBy.Should().Be("ravi");
        _audit.Records.Last().Approver.Should().Be("ravi");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task DecideAsync_RejectWithoutReason_ReasonRequired(string? note)
    {
        var pending = await SubmitAsync(Pending());

        var result = await Reject(pending.Id, Maria, note);

        result.Code.Should().Be(ApprovalCodes.ReasonRequired);
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task DecideAsync_Approve_StoresTheDecisionAndAuditsApproved()
    {
        var pending = await SubmitAsync(Pending());
        _time.Advance(TimeSpan.FromMinutes(5));

        var result = await Approve(pending.Id, Maria);

        result.Succeeded.Should().BeTrue();
        result.Code.Should().BeNull();
        var stored = (await _store.GetAsync(pending.Id, CancellationToken.None))!;
        stored.Should().Be(result.Request);
        stored.Status.Should().Be(ApprovalStatus.Approved);
        stored.DecidedBy.Should().Be("maria");
        stored.DecidedAt.Should().Be(Now.AddMinutes(5));
        stored.ApprovedArgumentsJson.Should().BeNull();
        stored.BulkId.Should().BeNull();
        stored.EffectiveArgumentsJson.Should().Be(pending.ArgumentsJson);
        var entry = _audit.Records.Last();
        entry.Event.Should().Be(AuditEventType.Approved);
        entry.Action.Should().Be(AuditActionType.Approve);
        entry.Approver.Should().Be("maria");
        entry.Actor.Should().Be("ravi");
        entry.ExecutionId.Should().Be(pending.ExecutionId);
        Json(entry.ProposedValues).Should().Be(Json("""{"amount":60000,"dealname":"Big"}"""));
        entry.Outcome.Should().Be("approved;single;approval:" + pending.Id);
        entry.ArgumentsDigest.Should().Be("d1");
    }

    [Fact]
    public async Task DecideAsync_Reject_StoresTheReasonAndAuditsRejected()
    {
        var pending = await SubmitAsync(Pending());

        var result = await Reject(pending.Id, Maria, "  Too big a discount  ");

        result.Succeeded.Should().BeTrue();
        result.Request!.Status.Should().Be(ApprovalStatus.Rejected);
        result.Request.DecisionNote.Should().Be("Too big a discount");
        var entry = _audit.Records.Last();
        entry.Event.Should().Be(AuditEventType.Rejected);
        entry.Action.Should().Be(AuditActionType.Reject);
        entry.Approver.Should().Be("maria");
        Json(entry.Result).Should().Be(Json("""{"reason":"Too big a discount"}"""));
        entry.Outcome.Should().Be("rejected;single;approval:" + pending.Id);
    }

    [Fact]
    public async Task DecideAsync_AuditUnavailable_UndoesTheDecisionAndThrows()
    {
        var pending = await SubmitAsync(Pending());
        _audit.Fail = true;

        var approve = () => Approve(pending.Id, Maria);

        (await approve.Should().ThrowAsync<AuditUnavailableException>()).Which.Message.Should().Contain("undone");
        (await _store.GetAsync(pending.Id, CancellationToken.None)).Should().Be(pending);
    }

    [Fact]
    public async Task DecideManyAsync_EachOnItsOwn_OneBulkIdEachDecidedAndAuditedAlone()
    {
        var first = await SubmitAsync(Pending());
        var second = await SubmitAsync(Pending());
        var decided = await SubmitAsync(Pending());
        await Reject(decided.Id, Maria, "no");

        var results = await _service.DecideManyAsync([first.Id, second.Id, decided.Id, first.Id], Maria, approve: true, note: null, CancellationToken.None, BulkMode.EachOnItsOwn);

        results.Should().HaveCount(3, "a repeated id is decided once");
        results[0].Succeeded.Should().BeTrue();
        results[1].Succeeded.Should().BeTrue();
        results[2].Code.Should().Be(ApprovalCodes.NotPending);
        var bulkId = results[0].Request!.BulkId;
        bulkId.Should().MatchRegex("^bulk_[0-9a-f]{24}$");
        results[1].Request!.BulkId.Should().Be(bulkId);
        (await _store.GetAsync(second.Id, CancellationToken.None))!.BulkId.Should().Be(bulkId);
        var approvals = _audit.Records.Where(r => r.Event == AuditEventType.Approved).ToList();
        approvals.Should().HaveCount(2);
        approvals.Select(r => r.ExecutionId).Should().BeEquivalentTo([first.ExecutionId, second.ExecutionId]);
        approvals.Should().AllSatisfy(r => r.Outcome.Should().StartWith("approved;bulk:" + bulkId + ";approval:"));
    }

    [Fact]
    public async Task DecideManyAsync_ByDefault_OneRefusalRefusesTheWholeBatch_AndNothingIsDecided()
    {
        var first = await SubmitAsync(Pending());
        var own = await SubmitAsync(Pending() with { Requester = "maria" });
        var third = await SubmitAsync(Pending());
        var entriesBefore = _audit.Records.Count;

        var results = await _service.DecideManyAsync([first.Id, own.Id, third.Id], Maria, approve: true, note: null, CancellationToken.None);

        results.Select(r => r.Code).Should().Equal(ApprovalCodes.BatchRefused, ApprovalCodes.SelfApproval, ApprovalCodes.BatchRefused);
        results.Should().AllSatisfy(r => r.Succeeded.Should().BeFalse());
        results[0].Message.Should().Contain(own.Id).And.Contain("Nothing in it was decided");
        foreach (var id in new[] { first.Id, own.Id, third.Id })
        {
            (await _store.GetAsync(id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        }

        _audit.Records.Should().HaveCount(entriesBefore, "a refused batch decides nothing, so nothing is recorded as decided");
    }

    [Fact]
    public async Task DecideManyAsync_AllOrNothing_AuditFailureUndoesEveryDecisionOfTheBatch()
    {
        var first = await SubmitAsync(Pending());
        var second = await SubmitAsync(Pending());
        _audit.Fail = true;

        var decide = () => _service.DecideManyAsync([first.Id, second.Id], Maria, approve: true, note: null, CancellationToken.None);

        await decide.Should().ThrowAsync<AuditUnavailableException>();
        (await _store.GetAsync(first.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        (await _store.GetAsync(second.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task DecideManyAsync_RejectBulk_AuditsEachWithTheBulkId()
    {
        var first = await SubmitAsync(Pending());
        var second = await SubmitAsync(Pending());

        var results = await _service.DecideManyAsync([first.Id, second.Id], Maria, approve: false, note: "Quarter closed", CancellationToken.None);

        results.Should().AllSatisfy(r => r.Succeeded.Should().BeTrue());
        var bulkId = results[0].Request!.BulkId!;
        _audit.Records.Where(r => r.Event == AuditEventType.Rejected).Select(r => r.Outcome)
            .Should().Equal("rejected;bulk:" + bulkId + ";approval:" + first.Id, "rejected;bulk:" + bulkId + ";approval:" + second.Id);
    }

    [Fact]
    public async Task DecideAsync_EightConcurrentDeciders_ExactlyOneWins()
    {
        var pending = await SubmitAsync(Pending());
        var deciders = Enumerable.Range(0, 8).Select(i => new CallerIdentity($"manager{i}", CallerIdentity.DefaultTenant, ["manager"], "local")).ToList();

        var results = await Task.WhenAll(deciders.Select(d => Task.Run(() => Approve(pending.Id, d))));

        results.Count(r => r.Succeeded).Should().Be(1);
        results.Where(r => !r.Succeeded).Should().AllSatisfy(r => r.Code.Should().BeOneOf(ApprovalCodes.AlreadyDecided, ApprovalCodes.NotPending));
        _audit.Records.Count(r => r.Event == AuditEventType.Approved).Should().Be(1);
        var winner = results.Single(r => r.Succeeded).Request!.DecidedBy;
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.DecidedBy.Should().Be(winner);
    }

    private async Task<ApprovalRequest> SubmitAsync(ApprovalRequest request) => await _service.SubmitAsync(request, CancellationToken.None);

    private Task<ApprovalResult> Approve(string id, CallerIdentity approver, string? edit = null) =>
        _service.DecideAsync(new ApprovalDecision(id, approver, true, edit, null, null), CancellationToken.None);

    private Task<ApprovalResult> Reject(string id, CallerIdentity approver, string? reason) =>
        _service.DecideAsync(new ApprovalDecision(id, approver, false, null, reason, null), CancellationToken.None);

    private static string Json(string? json) => json is null ? "null" : JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
