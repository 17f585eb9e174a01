using System.Text.Json.Nodes;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tests.Audit;
using Microsoft.Extensions.Time.Testing;
using static GovernedCrm.Governance.Tests.Approvals.ApprovalTestData;

namespace GovernedCrm.Governance.Tests.Approvals;

/// <summary>Edit-then-approve: the edit is merged into the proposed properties and re-checked against the policy.</summary>
public sealed partial class ApprovalServiceTests
{
    [Fact]
    public async Task DecideAsync_Edit_MergesIntoPropertiesKeepingTheRestAndAuditsApprovedEdited()
    {
        var pending = await SubmitAsync(Pending());

        var result = await Approve(pending.Id, Maria, """{"amount":45000}""");

        result.Succeeded.Should().BeTrue(result.Message);
        var approved = JsonNode.Parse(result.Request!.ApprovedArgumentsJson!)!;
        approved["properties"]!["amount"]!.GetValue<int>().Should().Be(45000);
        approved["properties"]!["dealname"]!.GetValue<string>().Should().Be("Big");
        approved["objectType"]!.GetValue<string>().Should().Be("deal");
        approved["recordId"]!.GetValue<string>().Should().Be("3017");
        approved["reason"]!.GetValue<string>().Should().Be("Customer asked");
        result.Request.EffectiveArgumentsJson.Should().Be(result.Request.ApprovedArgumentsJson);
        result.Request.ArgumentsJson.Should().Be(pending.ArgumentsJson, "what was proposed never changes");
        _editCheck.Checked.Should().ContainSingle().Which.Should().Be(result.Request.ApprovedArgumentsJson);
        var entry = _audit.Records.Last();
        entry.Event.Should().Be(AuditEventType.Approved);
        entry.Outcome.Should().Be("approved:edited;single;approval:" + pending.Id);
        Json(entry.ProposedValues).Should().Be(Json("""{"amount":60000,"dealname":"Big"}"""), "the proposed values stay the original ones");
        Json(entry.Result).Should().Be(Json("""{"approvedValues":{"amount":45000,"dealname":"Big"},"edited":true,"editedBy":"maria"}"""));
        entry.ArgumentsDigest.Should().NotBe(pending.ArgumentsDigest, "the approval binds to the approved arguments");
    }

    [Fact]
    public async Task DecideAsync_EditDeniedByPolicy_EditDeniedNamingTheDenialCode()
    {
        var pending = await SubmitAsync(Pending());

        var result = await Approve(pending.Id, Maria, """{"owner":"maria"}""");

        result.Code.Should().Be(ApprovalCodes.EditDenied);
        result.Message.Should().Contain(PolicyDenialCodes.FieldWrite);
        (await _store.GetAsync(pending.Id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        _audit.Records.Should().NotContain(r => r.Event == AuditEventType.Approved);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("45000")]
    [InlineData("{}")]
    [InlineData("{not json")]
    [InlineData("""{"amount":1,"amount":2}""")]
    public async Task DecideAsync_EditNotAnObjectOfProperties_InvalidEdit(string edit)
    {
        var pending = await SubmitAsync(Pending());

        var result = await Approve(pending.Id, Maria, edit);

        result.Code.Should().Be(ApprovalCodes.InvalidEdit);
        _editCheck.Checked.Should().BeEmpty();
    }

    [Fact]
    public async Task DecideAsync_EditOfAProposalWithoutProperties_InvalidEdit()
    {
        var pending = await SubmitAsync(Pending() with { ArgumentsJson = """{"tenant":"default"}""" });

        var result = await Approve(pending.Id, Maria, """{"amount":1}""");

        result.Code.Should().Be(ApprovalCodes.InvalidEdit);
    }

    [Fact]
    public async Task DecideAsync_EditOnRejection_InvalidEdit()
    {
        var pending = await SubmitAsync(Pending());

        var result = await _service.DecideAsync(new ApprovalDecision(pending.Id, Maria, false, """{"amount":1}""", "no", null), CancellationToken.None);

        result.Code.Should().Be(ApprovalCodes.InvalidEdit);
    }

    [Fact]
    public async Task DecideAsync_EditRepeatingTheProposedValues_IsAPlainApproval()
    {
        var pending = await SubmitAsync(Pending());

        var result = await Approve(pending.Id, Maria, """{"amount":60000}""");

        result.Succeeded.Should().BeTrue();
        result.Request!.ApprovedArgumentsJson.Should().BeNull();
        _audit.Records.Last().Outcome.Should().StartWith("approved;single;approval:");
    }

    [Fact]
    public async Task DecideAsync_EditWithoutAnEditCheck_EditDenied()
    {
        var service = new ApprovalService(_store, _audit, _time);
        var pending = await SubmitAsync(Pending());

        var result = await service.DecideAsync(new ApprovalDecision(pending.Id, Maria, true, """{"amount":45000}""", null, null), CancellationToken.None);

        result.Code.Should().Be(ApprovalCodes.EditDenied);
    }

    [Fact]
    public async Task DecideAsync_EditedValuesUnderCredentialNames_AreRedactedInTheAuditTrail()
    {
        var store = new InMemoryApprovalStore();
        var audit = new RecordingAuditTrail();
        var service = new ApprovalService(store, audit, new FakeTimeProvider(Now), _editCheck);
        var pending = await service.SubmitAsync(Pending(properties: """{"api_key":"old-secret"}"""), CancellationToken.None);

        await service.DecideAsync(new ApprovalDecision(pending.Id, Maria, true, """{"api_key":"new-secret"}""", null, null), CancellationToken.None);

        audit.Records.Should().HaveCount(2);
        audit.Records.Should().AllSatisfy(r => (r.ProposedValues + r.Result).Should().NotContain("secret"));
    }
}
