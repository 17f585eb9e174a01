using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using static GovernedCrm.Governance.Tests.Approvals.ApprovalTestData;

namespace GovernedCrm.Governance.Tests.Approvals;

/// <summary>Expiry, and the execution hand-off: claim exactly once, then complete.</summary>
public sealed partial class ApprovalServiceTests
{
    [Fact]
    public async Task DecideAsync_AtExpiry_ExpiresItAuditsExpiredAndRefuses()
    {
        var pending = await SubmitAsync(Pending());
        _time.Advance(TimeSpan.FromHours(24));

        var result = await Approve(pending.Id, Maria);

        result.Code.Should().Be(ApprovalCodes.Expired);
        result.Request!.Status.Should().Be(ApprovalStatus.Expired);
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Expired);
        var entry = _audit.Records.Last();
        entry.Event.Should().Be(AuditEventType.Expired);
        entry.Action.Should().Be(AuditActionType.Deny);
        entry.Outcome.Should().StartWith("expired;approval:apr_");
        entry.ExecutionId.Should().Be(pending.ExecutionId);

        var again = await Approve(pending.Id, Maria);

        again.Code.Should().Be(ApprovalCodes.NotPending);
        again.Message.Should().Contain("expired");
        _audit.Records.Count(r => r.Event == AuditEventType.Expired).Should().Be(1);
    }

    [Fact]
    public async Task DecideAsync_JustBeforeExpiry_Decides()
    {
        var pending = await SubmitAsync(Pending());
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));

        (await Approve(pending.Id, Maria)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task ExpireDueAsync_ExpiresOnlyDueProposalsOfEveryTenantOnce()
    {
        var due = await SubmitAsync(Pending(expiresAt: Now.AddMinutes(30)));
        var otherTenantDue = await SubmitAsync(Pending(expiresAt: Now.AddMinutes(30)) with { Tenant = "northwind" });
        var notDue = await SubmitAsync(Pending());
        _time.Advance(TimeSpan.FromHours(1));

        var expired = await _service.ExpireDueAsync(CancellationToken.None);
        var again = await _service.ExpireDueAsync(CancellationToken.None);

        expired.Should().Be(2);
        again.Should().Be(0);
        (await _store.GetAsync(due.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Expired);
        (await _store.GetAsync(otherTenantDue.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Expired);
        (await _store.GetAsync(notDue.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        _audit.Records.Where(r => r.Event == AuditEventType.Expired).Select(r => (r.Tenant, r.ExecutionId))
            .Should().BeEquivalentTo([("default", due.ExecutionId), ("northwind", otherTenantDue.ExecutionId)]);
    }

    [Fact]
    public async Task TryClaimForExecutionAsync_Approved_ClaimedExactlyOnce()
    {
        var pending = await SubmitAsync(Pending());
        var notApproved = await SubmitAsync(Pending());
        await Approve(pending.Id, Maria);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _service.TryClaimForExecutionAsync(pending.Id, CancellationToken.None))));

        claims.Count(c => c is not null).Should().Be(1);
        claims.Single(c => c is not null)!.Status.Should().Be(ApprovalStatus.Executing);
        (await _service.TryClaimForExecutionAsync(notApproved.Id, CancellationToken.None)).Should().BeNull();
        (await _service.TryClaimForExecutionAsync("apr_missing", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_Claimed_RecordsOutcomeResultAndTimeOnce()
    {
        var pending = await SubmitAsync(Pending());
        await Approve(pending.Id, Maria);
        var claimed = (await _service.TryClaimForExecutionAsync(pending.Id, CancellationToken.None))!;
        _time.Advance(TimeSpan.FromSeconds(2));

        await _service.CompleteAsync(claimed, ApprovalStatus.Executed, """{"version":4}""", CancellationToken.None);
        var twice = () => _service.CompleteAsync(claimed, ApprovalStatus.Failed, null, CancellationToken.None);

        var stored = (await _store.GetAsync(pending.Id, CancellationToken.None))!;
        stored.Status.Should().Be(ApprovalStatus.Executed);
        stored.ResultJson.Should().Be("""{"version":4}""");
        stored.CompletedAt.Should().Be(Now.AddSeconds(2));
        stored.DecidedBy.Should().Be("maria");
        await twice.Should().ThrowAsync<InvalidOperationException>();
    }

    [Theory]
    [InlineData(ApprovalStatus.Pending)]
    [InlineData(ApprovalStatus.Approved)]
    [InlineData(ApprovalStatus.Executing)]
    [InlineData(ApprovalStatus.Expired)]
    public async Task CompleteAsync_NotAnEndOfExecution_Throws(ApprovalStatus outcome)
    {
        var complete = () => _service.CompleteAsync(Pending() with { Status = ApprovalStatus.Executing }, outcome, null, CancellationToken.None);

        await complete.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
