using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// <c>audit history</c> and <c>audit search</c> of the real executable, on a data folder a real stdio server wrote: as the
/// OS user mapped to adam (admin) by the policy's cli_users, or --as another user of the policy.
/// </summary>
public sealed class AuditQueryCliTests : IClassFixture<AuditQueryCliTests.Folder>
{
    private readonly Folder _data;

    public AuditQueryCliTests(Folder data)
    {
        _data = data;
    }

    [Fact]
    public async Task HistoryJson_AfterAnUpdate_ShowsTheChangeBeforeAfterAndWhoAsked()
    {
        var (code, stdout, stderr) = await _data.CliAsync("audit", "history", "deal", "3001", "--json");

        code.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        root.GetProperty("tenant").GetString().Should().Be("default");
        root.GetProperty("order").GetString().Should().Be("oldest_first");
        var events = root.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("event").GetString()).Should().Equal(["proposed", "executed"], "reads and RECEIVED entries are no part of a record's history");
        var change = events[1].GetProperty("changes").EnumerateArray().Should().ContainSingle().Subject;
        change.GetProperty("property").GetString().Should().Be("amount");
        change.GetProperty("after").GetDecimal().Should().Be(4242);
        change.GetProperty("before").GetDecimal().Should().NotBe(4242);
        change.GetProperty("beforeSource").GetString().Should().Be("recorded");
        events[1].GetProperty("requestedBy").GetString().Should().Be("adam");
        root.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task HistoryText_ShowsBeforeArrowAfter()
    {
        var (code, stdout, stderr) = await _data.CliAsync("audit", "history", "deal", "3001");

        code.Should().Be(0, stderr);
        stdout.Should().StartWith("history of deal 3001 in tenant default (oldest first): 2 entries");
        stdout.Should().MatchRegex(@"amount: \d+(\.\d+)? -> 4242");
    }

    [Fact]
    public async Task Search_PagedWithTheCursor_ReturnsEveryEntryOnceNewestFirst()
    {
        var (code, all, stderr) = await _data.CliAsync("audit", "search", "--json", "--limit", "500");
        code.Should().Be(0, stderr);
        var expected = Seqs(all);

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            string[] args = cursor is null ? ["audit", "search", "--json", "--limit", "4"] : ["audit", "search", "--json", "--limit", "4", "--cursor", cursor];
            var (pageCode, page, pageErr) = await _data.CliAsync(args);
            pageCode.Should().Be(0, pageErr);
            seen.AddRange(Seqs(page));
            using var json = JsonDocument.Parse(page);
            cursor = json.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        expected.Should().HaveCount(9, "three calls, three entries each");
        seen.Should().Equal(expected);
        expected.Should().BeInDescendingOrder();
    }

    [Fact]
    public async Task Search_Filters_MatchOnlyTheirEntries()
    {
        var (_, executed, _) = await _data.CliAsync("audit", "search", "--event", "executed", "--tool", "CRM.UpdateRecord", "--json");
        var (_, reads, _) = await _data.CliAsync("audit", "search", "--object", "deal", "--id", "3001", "--event", "EXECUTED", "--json");
        var (_, none, _) = await _data.CliAsync("audit", "search", "--actor", "nobody", "--json");
        var (_, future, _) = await _data.CliAsync("audit", "search", "--since", "2999-01-01T00:00:00Z", "--json");
        var (code, text, _) = await _data.CliAsync("audit", "search", "--tool", "CRM.UpdateRecord");

        Events(executed).Should().Equal(["executed"]);
        Events(reads).Should().Equal(["executed", "executed", "executed"], "two reads and the update of deal 3001 were executed");
        Events(none).Should().BeEmpty();
        Events(future).Should().BeEmpty();
        code.Should().Be(0);
        text.Should().StartWith("3 entries in tenant default, newest first").And.Contain(" executed CRM.UpdateRecord by adam deal 3001");
    }

    [Theory]
    [InlineData("--since", "yesterday", "--since 'yesterday' is not an ISO 8601 time")]
    [InlineData("--cursor", "not-a-cursor", "The cursor is not one this query returned")]
    [InlineData("--limit", "0", "The limit must be 1 to 500")]
    [InlineData("--event", "exploded", "Unknown event 'exploded'")]
    [InlineData("--object", "deal", "A record filter needs both the object type and the record id")]
    public async Task Search_BadInput_Exit2OneLine(string option, string value, string expected)
    {
        var (code, stdout, stderr) = await _data.CliAsync("audit", "search", option, value);

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        CliErrorOutput.ShouldBeOneErrorLine(stderr, expected);
    }

    [Theory]
    [InlineData("northwind")]
    [InlineData("no-such-tenant")]
    public async Task AnotherTenant_RefusedExit1_AlikeWhetherItExistsOrNot(string tenant)
    {
        var (historyCode, _, historyErr) = await _data.CliAsync("audit", "history", "deal", "3001", "--tenant", tenant);
        var (searchCode, searchOut, searchErr) = await _data.CliAsync("audit", "search", "--tenant", tenant);

        historyCode.Should().Be(1);
        searchCode.Should().Be(1);
        searchOut.Should().BeEmpty();
        historyErr.Trim().Should().Be("governed-crm: refused: audit.out_of_scope: You may read and verify only your own tenant's audit chain.");
        searchErr.Should().Be(historyErr);
    }

    [Fact]
    public async Task NotAnAdminOrAuditor_RefusedExit1()
    {
        var (code, stdout, stderr) = await _data.CliAsync("audit", "history", "deal", "3001", "--as", "ravi");

        code.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("governed-crm: refused: policy.denied.admin_only: ");
    }

    [Fact]
    public async Task Auditor_ReadsTheHistory_WithTheValuesTheirRoleMayNotReadRedacted()
    {
        var (adminCode, adminOut, _) = await _data.CliAsync("audit", "history", "deal", "3001", "--json");
        var (code, stdout, stderr) = await _data.CliAsync("audit", "history", "deal", "3001", "--json", "--as", "aida");
        var (searchCode, searchOut, _) = await _data.CliAsync("audit", "search", "--object", "deal", "--id", "3001", "--json", "--as", "aida");

        adminCode.Should().Be(0);
        adminOut.Should().Contain("4242");
        code.Should().Be(0, stderr);
        stdout.Should().NotContain("4242", "the test policy denies auditors the deal amount").And.Contain("[redacted by policy]");
        searchCode.Should().Be(0);
        searchOut.Should().NotContain("4242").And.Contain("[redacted by policy]");
    }

    [Fact]
    public async Task NoDataFolder_Exit2OneLine()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["audit", "search", "--data", Path.Combine(_data.Root, "missing"), "--policy", _data.PolicyPath]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "missing");
    }

    private static List<long> Seqs(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64())];
    }

    private static List<string?> Events(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("event").GetString())];
    }

    /// <summary>
    /// A data folder with three calls by adam (read deal 3001, set its amount to 4242, read it again) and a read by nora
    /// in northwind, and a policy: the built-in default, plus a fields rule hiding deal amounts from auditors, plus a
    /// cli_users entry mapping the OS user running the tests to adam, who may act as anyone.
    /// </summary>
    public sealed class Folder : IAsyncLifetime
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("governedcrm-auditquery-").FullName;

        public string Data => Path.Combine(Root, "data");

        public string PolicyPath => Path.Combine(Root, "policy.yaml");

        public async Task InitializeAsync()
        {
            var policy = GovernedCrm.Governance.Policy.BuiltInPolicy.Text()
                .Replace("fields:\n", "fields:\n  - id: auditors-no-deal-amount\n    roles: [auditor]\n    objects: [deal]\n    deny_read: [amount]\n\n", StringComparison.Ordinal)
                .TrimEnd() + $"\n\ncli_users:\n  {Environment.UserName}: {{ user: adam, act_as: [\"*\"] }}\n";
            await File.WriteAllTextAsync(PolicyPath, policy);
            var environment = new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "adam", ["GOVERNEDCRM_POLICY"] = PolicyPath };
            await ServerSession.RunAsync(Data, [ServerSession.GetDeal("3001"), ServerSession.UpdateDeal("3001", 4242), ServerSession.GetDeal("3001")], environment);
            environment["GOVERNEDCRM_USER"] = "nora";
            await ServerSession.RunAsync(Data, [ServerSession.GetDeal("3001")], environment);
        }

        public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] arguments) =>
            ServerProcess.RunAsync([.. arguments, "--data", Data, "--policy", PolicyPath]);

        public Task DisposeAsync()
        {
            TempFolder.Delete(Root);
            return Task.CompletedTask;
        }
    }
}
