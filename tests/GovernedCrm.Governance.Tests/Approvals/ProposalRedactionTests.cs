using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Approvals;

public sealed class ProposalRedactionTests
{
    private static readonly HashSet<string> Email = new(StringComparer.Ordinal) { "email" };

    [Fact]
    public void Apply_HidesTheFieldInArgumentsBeforeApprovedAndResult_AndInFreeTextThatQuotesIt()
    {
        var request = Request() with
        {
            Reason = "Ada moved to new.ada@x.example",
            ApprovedArgumentsJson = """{"objectType":"contact","recordId":"1","properties":{"email":"edited.ada@x.example","firstname":"Ada"}}""",
            DecisionNote = "use edited.ada@x.example instead",
            ResultJson = """{"code":"crm.duplicate","message":"Another contact already has the email 'edited.ada@x.example'."}""",
        };

        var view = ProposalRedaction.Apply(request, Email);

        var all = string.Join('\n', view.Arguments!.ToJsonString(), view.Before!.ToJsonString(), view.ApprovedArguments!.ToJsonString(), view.Result!.ToJsonString(), view.Reason, view.DecisionNote);
        all.Should().NotContain("ada@x.example").And.Contain("Ada").And.Contain("crm.duplicate");
        view.Proposed!["email"]!.GetValue<string>().Should().Be(FieldRedaction.Redacted);
        view.Proposed["firstname"]!.GetValue<string>().Should().Be("Ada");
        view.Before!["email"]!.GetValue<string>().Should().Be(FieldRedaction.Redacted);
        view.Approved!["email"]!.GetValue<string>().Should().Be(FieldRedaction.Redacted);
    }

    [Fact]
    public void Apply_NothingHidden_ShowsEverything()
    {
        var view = ProposalRedaction.Apply(Request(), FieldRedaction.None);

        view.Proposed!["email"]!.GetValue<string>().Should().Be("new.ada@x.example");
        view.Before!["email"]!.GetValue<string>().Should().Be("ada@x.example");
        view.Reason.Should().Be("typo");
    }

    private static ApprovalRequest Request() => new()
    {
        Id = "apr_1",
        Tenant = "default",
        Requester = "ravi",
        Tool = "CRM.UpdateRecord",
        ObjectType = "contact",
        RecordId = "1",
        ArgumentsJson = """{"objectType":"contact","recordId":"1","properties":{"email":"new.ada@x.example","firstname":"Ada"},"reason":"typo"}""",
        ArgumentsDigest = "sha256:0",
        BeforeJson = """{"version":1,"email":"ada@x.example","firstname":"Ada"}""",
        Reason = "typo",
        Rule = "contact-email-change",
        Route = ApprovalRoute.Requester,
        ApprovalReason = "confirm",
        PolicyVersion = "v",
        ExecutionId = "e",
        CreatedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1),
    };
}
