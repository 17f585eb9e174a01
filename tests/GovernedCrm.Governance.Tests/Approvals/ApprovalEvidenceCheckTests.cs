using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Approvals;

/// <summary>The approved call about to run must match the chain's decision entry in every respect.</summary>
public sealed class ApprovalEvidenceCheckTests
{
    private const string Arguments = """{"objectType":"deal","recordId":"3002","properties":{"amount":60000},"reason":"Signed."}""";
    private static readonly DateTimeOffset DecidedAt = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AMatchingEntry_IsEvidence()
    {
        ApprovalEvidenceCheck.Mismatch(Approved(), Entry(), Call()).Should().BeNull();
        ApprovalEvidenceCheck.Disagreement(Approved(), Entry()).Should().BeNull();
    }

    public static TheoryData<string, string> Tampering() => new()
    {
        { "no entry", "holds no decision" },
        { "another approval", "about another approval" },
        { "a rejection", "records REJECTED" },
        { "another tenant", "another tenant's chain" },
        { "another requester", "approves a call by mallory" },
        { "another tool", "approves CRM.CreateContact" },
        { "another record", "another record" },
        { "another approver", "names mallory as the approver" },
        { "self approval", "approval by the requester" },
        { "other arguments", "not the ones" },
        { "after expiry", "after the proposal expired" },
        { "ran before", "already records a run" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public void AnyDifference_IsAMismatch_NamingIt(string tampering, string expected)
    {
        var approved = Approved();
        var call = Call();
        var entry = Entry();
        switch (tampering)
        {
            case "no entry": entry = null; break;
            case "another approval": entry = entry with { Record = entry.Record with { Outcome = "approved;single;approval:apr_other" } }; break;
            case "a rejection": entry = entry with { Record = entry.Record with { Event = AuditEventType.Rejected } }; break;
            case "another tenant": entry = entry with { Record = entry.Record with { Tenant = "northwind" } }; break;
            case "another requester": entry = entry with { Record = entry.Record with { Actor = "mallory" } }; break;
            case "another tool": entry = entry with { Record = entry.Record with { Tool = "CRM.CreateContact" } }; break;
            case "another record": entry = entry with { Record = entry.Record with { RecordId = "3003" } }; break;
            case "another approver": entry = entry with { Record = entry.Record with { Approver = "mallory" } }; break;
            case "self approval": approved = approved with { DecidedBy = "alice" }; entry = entry with { Record = entry.Record with { Approver = "alice" } }; break;
            case "other arguments": call.Arguments = TestCalls.Create(Arguments.Replace("60000", "990000", StringComparison.Ordinal)).Arguments; break;
            case "after expiry": entry = entry with { Timestamp = approved.ExpiresAt.AddSeconds(1) }; break;
            case "ran before": entry = entry with { RunAt = 42 }; break;
        }

        ApprovalEvidenceCheck.Mismatch(approved, entry, call).Should().Contain(expected);
    }

    [Fact]
    public void AQueueRowEditedAfterTheDecision_DisagreesWithTheChain()
    {
        var edited = Approved() with { ArgumentsJson = Arguments.Replace("60000", "990000", StringComparison.Ordinal) };

        ApprovalEvidenceCheck.Disagreement(edited, Entry()).Should().Contain("not the ones");
        ApprovalEvidenceCheck.Disagreement(Approved() with { Status = ApprovalStatus.Rejected }, Entry()).Should().Contain("records APPROVED");
        ApprovalEvidenceCheck.Disagreement(Approved(), null).Should().Contain("holds no decision");
        ApprovalEvidenceCheck.Disagreement(Approved() with { Status = ApprovalStatus.Pending }, null).Should().BeNull("pending proposals have no decision to check");
    }

    private static GovernedCall Call() => TestCalls.Create(Arguments);

    private static ApprovalRequest Approved() => new()
    {
        Id = "apr_1",
        Tenant = "default",
        Requester = "alice",
        Tool = "CRM.UpdateRecord",
        ObjectType = "deal",
        RecordId = "3002",
        ArgumentsJson = Arguments,
        ArgumentsDigest = AuditRecords.ArgumentsDigestOfJson(Arguments)!,
        Rule = "big-deals",
        Route = ApprovalRoute.Role,
        ApproverRole = "manager",
        ApprovalReason = "Big deals need a manager.",
        PolicyVersion = "v1",
        ExecutionId = "exec-1",
        CreatedAt = DecidedAt.AddMinutes(-5),
        ExpiresAt = DecidedAt.AddHours(24),
        Status = ApprovalStatus.Executing,
        DecidedBy = "maria",
        DecidedAt = DecidedAt,
    };

    private static ApprovalDecisionEntry Entry() => new(7, DecidedAt, new AuditRecord
    {
        Tenant = "default",
        Event = AuditEventType.Approved,
        Action = AuditActionType.Approve,
        Actor = "alice",
        ExecutionId = "exec-1",
        Tool = "CRM.UpdateRecord",
        RecordId = "3002",
        Approver = "maria",
        Outcome = "approved;single;approval:apr_1",
        ArgumentsDigest = AuditRecords.ArgumentsDigestOfJson(Arguments),
    });
}
