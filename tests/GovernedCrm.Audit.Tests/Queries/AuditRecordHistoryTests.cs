using GovernedCrm.Audit.Records;
using System.Text.Json.Nodes;
using GovernedCrm.Audit.Queries;
using GovernedCrm.Governance.Audit;
using static GovernedCrm.Audit.Tests.Queries.AuditQueriesTests;

namespace GovernedCrm.Audit.Tests.Queries;

public sealed class AuditRecordHistoryTests
{
    [Fact]
    public async Task History_ProposalApprovalAndRun_GiveBeforeAfterRequesterAndApprover()
    {
        await using var audit = await TempAudit.CreateAsync();
        var w = audit.Writer!;
        var proposal = Record("x1", AuditEventType.ApprovalRequested, "CRM.UpdateRecord", "deal", "3017") with
        {
            PreviousValues = """{"amount":40000,"version":3}""",
            ProposedValues = """{"amount":75000}""",
            Outcome = "pending_approval:apr_1",
            Approver = "role:manager",
        };
        await w.AppendAsync(Record("x1", AuditEventType.Received, "CRM.UpdateRecord", "deal", "3017"), CancellationToken.None);
        await w.AppendAsync(proposal, CancellationToken.None);
        await w.AppendAsync(Record("r1", AuditEventType.Executed, "CRM.GetRecord", "deal", "3017", actor: "vera"), CancellationToken.None);
        await w.AppendAsync(proposal with
        {
            Event = AuditEventType.Approved,
            Action = AuditActionType.Approve,
            Approver = "maria",
            Outcome = "approved:edited;single;approval:apr_1",
            Result = """{"approvedValues":{"amount":70000},"edited":true,"editedBy":"maria"}""",
        }, CancellationToken.None);
        await w.AppendAsync(Record("x1", AuditEventType.Proposed, "CRM.UpdateRecord", "deal", "3017") with
        {
            PreviousValues = """{"amount":40000}""",
            ProposedValues = """{"amount":70000}""",
            Approver = "maria",
            Outcome = "allowed;approval:apr_1",
        }, CancellationToken.None);
        await w.AppendAsync(Record("x1", AuditEventType.Executed, "CRM.UpdateRecord", "deal", "3017") with
        {
            Approver = "maria",
            Outcome = "executed;approval:apr_1",
            Result = """{"outcome":"executed","objectType":"deal","recordId":"3017","version":4,"after":{"amount":70000}}""",
        }, CancellationToken.None);
        await w.AppendAsync(Record("y1", AuditEventType.Executed, "CRM.UpdateRecord", "deal", "9999"), CancellationToken.None);
        await audit.CloseAsync();

        var page = await History(audit).ReadAsync("default", "deal", "3017", 50, null, newestFirst: false, null, CancellationToken.None);

        page.Items.Select(i => i.Entry.Record.Event).Should().Equal(
            [AuditEventType.ApprovalRequested, AuditEventType.Approved, AuditEventType.Proposed, AuditEventType.Executed],
            "RECEIVED entries, reads and other records are not part of a record's history");
        page.Items.Should().OnlyContain(i => i.ApprovalId == "apr_1");
        Texts(page.Items[0]).Should().Equal([Change("amount", 40000, 75000, BeforeValueSource.Recorded)]);
        Texts(page.Items[1]).Should().Equal([Change("amount", 40000, 70000, BeforeValueSource.Recorded)], "the approver's edit is what was approved");
        page.Items[1].Entry.Record.Approver.Should().Be("maria");
        var executed = page.Items[3];
        Texts(executed).Should().Equal([Change("amount", 40000, 70000, BeforeValueSource.Recorded)], "the run's PROPOSED entry recorded the before value");
        executed.Entry.Record.Actor.Should().Be("ravi", "who asked");
        executed.Entry.Record.Approver.Should().Be("maria", "who approved");
        page.Next.Should().BeNull();
    }

    [Fact]
    public async Task History_BeforeNotRecorded_IsDerivedFromThePreviousChange_AcrossPages()
    {
        await using var audit = await TempAudit.CreateAsync();
        var w = audit.Writer!;
        await w.AppendAsync(Record("c", AuditEventType.Executed, "CRM.CreateContact", "contact", null) with
        {
            Result = """{"outcome":"executed","objectType":"contact","recordId":"c-9","created":true,"after":{"email":"old@x.example","phone":"1"}}""",
        }, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            // A custom tool's change: no PROPOSED entry with before values.
            await w.AppendAsync(Record($"u{i}", AuditEventType.Executed, "Custom.Touch", "contact", "c-9") with
            {
                Result = "{\"outcome\":\"executed\",\"after\":{\"email\":\"e" + i + "@x.example\"}}",
            }, CancellationToken.None);
        }

        await audit.CloseAsync();
        var history = History(audit);

        var first = await history.ReadAsync("default", "contact", "c-9", 2, null, newestFirst: false, null, CancellationToken.None);
        var second = await history.ReadAsync("default", "contact", "c-9", 2, first.Next, newestFirst: false, null, CancellationToken.None);

        Texts(first.Items[0]).Should().Equal([Change("email", null, "old@x.example", BeforeValueSource.Created), Change("phone", null, "1", BeforeValueSource.Created)]);
        Texts(first.Items[1]).Should().Equal([Change("email", "old@x.example", "e0@x.example", BeforeValueSource.Derived)]);
        second.Items.SelectMany(Texts).Should().Equal(
            [Change("email", "e0@x.example", "e1@x.example", BeforeValueSource.Derived), Change("email", "e1@x.example", "e2@x.example", BeforeValueSource.Derived)],
            "the previous change is found on the page before");
        second.Next.Should().BeNull();

        var newest = await history.ReadAsync("default", "contact", "c-9", 1, null, newestFirst: true, null, CancellationToken.None);
        Texts(newest.Items.Single()).Should().Equal([Change("email", "e1@x.example", "e2@x.example", BeforeValueSource.Derived)]);
    }

    [Fact]
    public async Task History_ReadToolsNamed_LeavesTheirDeniedEntriesOut()
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.Writer!.AppendAsync(Record("d", AuditEventType.Denied, "CRM.GetRecord", "deal", "1") with { Action = AuditActionType.Deny }, CancellationToken.None);
        await audit.Writer!.AppendAsync(Record("e", AuditEventType.Denied, "CRM.UpdateRecord", "deal", "1") with { Action = AuditActionType.Deny }, CancellationToken.None);
        await audit.CloseAsync();

        var page = await History(audit).ReadAsync("default", "deal", "1", 10, null, false, new HashSet<string> { "CRM.GetRecord" }, CancellationToken.None);

        page.Items.Should().ContainSingle().Which.Entry.Record.Tool.Should().Be("CRM.UpdateRecord");
    }

    private static AuditRecordHistory History(TempAudit audit) => new(new AuditQueries(audit.Paths.DatabasePath));

    // A change as text (JSON values compared by their text): "amount: 40000 -> 75000 (Recorded)".
    private static string Change(string property, object? before, object? after, BeforeValueSource source) =>
        Text(new RecordChange(property, before is null ? null : JsonValue.Create(before), after is null ? null : JsonValue.Create(after), source));

    private static string Text(RecordChange c) => $"{c.Property}: {c.Before?.ToJsonString() ?? "null"} -> {c.After?.ToJsonString() ?? "null"} ({c.BeforeSource})";

    private static string[] Texts(RecordHistoryItem item) => [.. item.Changes.Select(Text)];
}
