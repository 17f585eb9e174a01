using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Queries;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Audit.Tests.Queries;

public sealed class AuditQueriesTests
{
    private static readonly string[] Actors = ["ravi", "maria", "adam"];
    private static readonly AuditEventType[] Events = [AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed, AuditEventType.Denied];
    private static readonly string[] Tools = ["CRM.GetRecord", "CRM.UpdateRecord"];

    [Fact]
    public async Task Search_NewestFirst_PagesThroughTheChainWithoutGapsOrRepeats()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 230);
        await audit.CloseAsync();
        var queries = new AuditQueries(audit.Paths.DatabasePath);

        var seen = await AllPagesAsync(queries, new AuditQuery { Chain = "default", Limit = 40 });

        seen.Select(e => e.Sequence).Should().Equal(Enumerable.Range(0, 230).Select(i => (long)i).Reverse(), "newest first, every entry of the chain once");
        seen.Should().OnlyContain(e => e.Record.Tenant == "default", "another tenant's chain is never read");
    }

    [Fact]
    public async Task Search_OldestFirst_PagesInPositionOrder()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 90);
        await audit.CloseAsync();

        var seen = await AllPagesAsync(new AuditQueries(audit.Paths.DatabasePath), new AuditQuery { Chain = "default", Limit = 25, OldestFirst = true });

        seen.Select(e => e.Sequence).Should().Equal(Enumerable.Range(0, 90).Select(i => (long)i));
    }

    [Fact]
    public async Task Search_EachFilter_ReturnsExactlyTheMatchingEntriesOfTheChain()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 300);
        await audit.CloseAsync();
        var all = await ReadAllAsync(audit, "default");
        var queries = new AuditQueries(audit.Paths.DatabasePath);
        var since = all[100].Timestamp;
        var until = all[200].Timestamp;

        (AuditQuery Query, Func<AuditEntry, bool> Expected)[] cases =
        [
            (new AuditQuery { Chain = "default", Actor = "maria" }, e => e.Record.Actor == "maria"),
            (new AuditQuery { Chain = "default", Event = AuditEventType.Denied }, e => e.Record.Event == AuditEventType.Denied),
            (new AuditQuery { Chain = "default", Tool = "CRM.UpdateRecord" }, e => e.Record.Tool == "CRM.UpdateRecord"),
            (new AuditQuery { Chain = "default", ExecutionId = "exec-17" }, e => e.Record.ExecutionId == "exec-17"),
            (new AuditQuery { Chain = "default", ObjectType = "deal", RecordId = "deal-3" }, e => e.Record.ObjectType == "deal" && e.Record.RecordId == "deal-3"),
            (new AuditQuery { Chain = "default", Since = since, Until = until }, e => e.Timestamp >= since && e.Timestamp < until),
            (new AuditQuery { Chain = "default", Actor = "ravi", Tool = "CRM.GetRecord", Since = since }, e => e.Record.Actor == "ravi" && e.Record.Tool == "CRM.GetRecord" && e.Timestamp >= since),
        ];

        foreach (var (query, expected) in cases)
        {
            var found = await AllPagesAsync(queries, query with { Limit = 7 });
            found.Select(e => e.Sequence).Should().Equal(all.Where(expected).Select(e => e.Sequence).Reverse(), $"the query {query} matches these");
            found.Should().NotBeEmpty("each case matches some entries: {0}", query);
        }
    }

    [Fact]
    public async Task Search_ForgedRecordIndexRow_NeverPutsAnotherRecordsEntryInAHistory()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 60);
        await audit.CloseAsync();
        var all = await ReadAllAsync(audit, "default");
        var other = all.First(e => e.Record.RecordId == "deal-2");

        // An insider files an entry about deal-2 under deal-1: the body says otherwise, so it is not deal-1's.
        await audit.TamperAsync("INSERT INTO audit_record_index (chain, object_type, record_id, seq) VALUES ('default', 'deal', 'deal-1', $seq)", ("$seq", other.Sequence));
        var found = await AllPagesAsync(new AuditQueries(audit.Paths.DatabasePath), new AuditQuery { Chain = "default", ObjectType = "deal", RecordId = "deal-1" });

        found.Select(e => e.Sequence).Should().Equal(all.Where(e => e.Record.RecordId == "deal-1").Select(e => e.Sequence).Reverse());
        found.Should().NotContain(e => e.Sequence == other.Sequence);
    }

    [Fact]
    public async Task Search_VersionTwoDatabaseWithoutIndexes_GivesTheSameAnswers_AndTheWriterBackfillsTheIndex()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 120);
        await audit.CloseAsync();
        var queries = new AuditQueries(audit.Paths.DatabasePath);
        var query = new AuditQuery { Chain = "default", ObjectType = "deal", RecordId = "deal-4", Limit = 5 };
        var indexed = await AllPagesAsync(queries, query);

        await audit.TamperAsync(
            "DROP TABLE audit_record_index; DROP INDEX audit_entries_actor; DROP INDEX audit_entries_event; DROP INDEX audit_entries_tool; " +
            "DROP INDEX audit_entries_execution_id; PRAGMA user_version = 2;");
        var walked = await AllPagesAsync(queries, query);
        await audit.OpenAsync();
        await audit.CloseAsync();
        var backfilled = await AllPagesAsync(queries, query);

        indexed.Should().NotBeEmpty();
        walked.Select(e => e.Sequence).Should().Equal(indexed.Select(e => e.Sequence), "without the indexes the chain is walked");
        backfilled.Select(e => e.Sequence).Should().Equal(indexed.Select(e => e.Sequence), "the version 3 migration files the entries already there");
        (await audit.VerifyAsync()).Valid.Should().BeTrue("the migration changes no entry");
    }

    [Fact]
    public async Task Search_CreatedRecord_IsFiledUnderTheIdItsResultNames()
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.Writer!.AppendAsync(Record("c1", AuditEventType.Executed, "CRM.CreateContact", "contact", null) with
        {
            Result = """{"outcome":"executed","objectType":"contact","recordId":"c-77","created":true,"after":{"email":"a@b.example"}}""",
        }, CancellationToken.None);
        await audit.CloseAsync();

        var found = await new AuditQueries(audit.Paths.DatabasePath).SearchAsync(new AuditQuery { Chain = "default", ObjectType = "contact", RecordId = "c-77" }, CancellationToken.None);

        found.Entries.Should().ContainSingle().Which.Record.Tool.Should().Be("CRM.CreateContact");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AuditQuery.MaxLimit + 1)]
    public async Task Search_LimitOutOfRange_IsRefused(int limit)
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.AppendAndCloseAsync(1);

        var search = () => new AuditQueries(audit.Paths.DatabasePath).SearchAsync(new AuditQuery { Chain = "default", Limit = limit }, CancellationToken.None);

        await search.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Cursor_RoundTrips_AndRefusesAnythingElse()
    {
        var cursor = new AuditCursor(123_456, OldestFirst: true);

        AuditCursor.TryParse(cursor.Encode(), out var parsed).Should().BeTrue();
        parsed.Should().Be(cursor);
        foreach (var bad in new[] { "", "123", "not base64!", new AuditCursor(-1, false).Encode()[..4], "YTEubi4tMQ" /* a1.n.-1 */ })
        {
            AuditCursor.TryParse(bad, out _).Should().BeFalse($"'{bad}' is not a cursor");
        }
    }

    internal static AuditRecord Record(string execution, AuditEventType eventType, string tool, string? objectType, string? recordId, string actor = "ravi", string tenant = "default") => new()
    {
        Tenant = tenant,
        Event = eventType,
        Action = tool == "CRM.GetRecord" ? AuditActionType.Read : AuditActionType.Write,
        Actor = actor,
        ExecutionId = execution,
        Tool = tool,
        TargetSystem = "crm",
        ObjectType = objectType,
        RecordId = recordId,
        Outcome = "allowed",
    };

    // Entries spread over actors, events, tools, records and two tenants, 7 ms apart.
    private static async Task AppendMixAsync(TempAudit audit, int count)
    {
        for (var i = 0; i < count; i++)
        {
            audit.Time.Advance(TimeSpan.FromMilliseconds(7));
            var record = Record($"exec-{i / 3}", Events[i % Events.Length], Tools[(i / 2) % Tools.Length], "deal", $"deal-{i % 5}", Actors[i % Actors.Length]);
            await audit.Writer!.AppendAsync(record, CancellationToken.None);
            await audit.Writer!.AppendAsync(record with { Tenant = "northwind", ExecutionId = "nw-" + record.ExecutionId }, CancellationToken.None);
        }
    }

    private static async Task<List<AuditEntry>> ReadAllAsync(TempAudit audit, string chain)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(audit.Paths.DatabasePath, chain, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static async Task<List<AuditEntry>> AllPagesAsync(AuditQueries queries, AuditQuery query)
    {
        var all = new List<AuditEntry>();
        AuditCursor? cursor = null;
        do
        {
            var page = await queries.SearchAsync(query with { After = cursor }, CancellationToken.None);
            page.Entries.Count.Should().BeLessThanOrEqualTo(query.Limit);
            all.AddRange(page.Entries);
            cursor = page.Next;
        }
        while (cursor is not null);

        return all;
    }
}
