using GovernedCrm.Audit.Records;
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

        // Fully indexed, indexed up to the middle (the rest walked), and not indexed at all: the same answers.
        await IndexAsync(audit);
        foreach (var indexedTo in new long?[] { null, 150, 0 })
        {
            if (indexedTo is { } position)
            {
                await SqlAsync(audit, "UPDATE audit_search_state SET indexed = $p", ("$p", position));
            }

            foreach (var (query, expected) in cases)
            {
                var found = await AllPagesAsync(queries, query with { Limit = 7 });
                found.Select(e => e.Sequence).Should().Equal(all.Where(expected).Select(e => e.Sequence).Reverse(), $"the query {query} matches these (indexed to {indexedTo})");
                found.Should().NotBeEmpty("each case matches some entries: {0}", query);
                var oldestFirst = await AllPagesAsync(queries, query with { Limit = 9, OldestFirst = true });
                oldestFirst.Select(e => e.Sequence).Should().Equal(all.Where(expected).Select(e => e.Sequence));
            }
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
        await IndexAsync(audit);
        await audit.TamperAsync("INSERT INTO audit_search (chain, field, value, seq) VALUES ('default', 'r', 'deal' || char(31) || 'deal-1', $seq)", ("$seq", other.Sequence));
        var found = await AllPagesAsync(new AuditQueries(audit.Paths.DatabasePath), new AuditQuery { Chain = "default", ObjectType = "deal", RecordId = "deal-1" });

        found.Select(e => e.Sequence).Should().Equal(all.Where(e => e.Record.RecordId == "deal-1").Select(e => e.Sequence).Reverse());
        found.Should().NotContain(e => e.Sequence == other.Sequence);
    }

    [Fact]
    public async Task Search_VersionTwoDatabase_IsWalked_ThenMigratedAndIndexed_WithTheSameAnswers()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 120);
        await audit.CloseAsync();
        await audit.TamperAsync("DROP TABLE audit_search; DROP TABLE audit_search_state; PRAGMA user_version = 2;");
        var queries = new AuditQueries(audit.Paths.DatabasePath);
        var query = new AuditQuery { Chain = "default", ObjectType = "deal", RecordId = "deal-4", Limit = 5 };

        var walked = await AllPagesAsync(queries, query);
        await audit.OpenAsync();
        await audit.CloseAsync();
        await IndexAsync(audit);
        var indexed = await AllPagesAsync(queries, query);

        walked.Should().HaveCount(24, "every fifth of the 120 entries is about deal-4");
        indexed.Select(e => e.Sequence).Should().Equal(walked.Select(e => e.Sequence));
        (await ScalarAsync(audit, "SELECT indexed FROM audit_search_state WHERE chain = 'default'")).Should().Be(120, "the index covers the entries written before the migration");
        (await audit.VerifyAsync()).Valid.Should().BeTrue("neither the migration nor the index changes an entry");
    }

    [Fact]
    public async Task Writer_WhenIdle_IndexesTheChain()
    {
        await using var audit = await TempAudit.CreateAsync();
        await AppendMixAsync(audit, 40);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        long indexed;
        do
        {
            await Task.Delay(100);
            indexed = await ScalarAsync(audit, "SELECT coalesce(max(indexed), 0) FROM audit_search_state WHERE chain = 'default'");
        }
        while (indexed < 40 && DateTime.UtcNow < deadline);

        indexed.Should().Be(40, "the writer indexes while no entry comes in");
        (await ScalarAsync(audit, "SELECT count(*) FROM audit_search WHERE chain = 'default' AND field = 'r'")).Should().Be(40);
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
        var query = new AuditQuery { Chain = "default", ObjectType = "contact", RecordId = "c-77" };

        var walked = await new AuditQueries(audit.Paths.DatabasePath).SearchAsync(query, CancellationToken.None);
        await IndexAsync(audit);
        var indexed = await new AuditQueries(audit.Paths.DatabasePath).SearchAsync(query, CancellationToken.None);

        walked.Entries.Should().ContainSingle().Which.Record.Tool.Should().Be("CRM.CreateContact");
        indexed.Entries.Should().ContainSingle().Which.Record.Tool.Should().Be("CRM.CreateContact");
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

    internal static Task IndexAsync(TempAudit audit) =>
        new GovernedCrm.Audit.Store.AuditSearchIndexer(new GovernedCrm.Audit.Store.AuditDatabase(new GovernedCrm.Audit.Store.AuditStoreOptions { DatabasePath = audit.Paths.DatabasePath }))
            .CatchUpAsync(CancellationToken.None);

    private static async Task SqlAsync(TempAudit audit, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={audit.Paths.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(TempAudit audit, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={audit.Paths.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
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
