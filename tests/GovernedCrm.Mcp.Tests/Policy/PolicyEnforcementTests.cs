using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using GovernedCrm.Governance.Steps.Policy;

namespace GovernedCrm.Mcp.Tests.Policy;

/// <summary>
/// One test per rule kind, through the real MCP path (C# client, governance filter, pipeline, embedded CRM in a
/// SQLite file): the tool result carries the decision, and on a denial the CRM file is unchanged.
/// </summary>
public sealed class PolicyEnforcementTests
{
    private const string TestPolicy = """
        version: 1
        tenants: [default, northwind]
        roles: [viewer, rep, manager, admin]
        users:
          vera:  { roles: [viewer], tenant: default }
          ravi:  { roles: [rep], tenant: default }
          maria: { roles: [manager], tenant: default }
          nora:  { roles: [rep], tenant: northwind }
        rules:
          - id: read-crm
            effect: allow
            roles: [viewer, rep, manager]
            tools: [CRM.GetRecord, CRM.SearchRecords]
            objects: [contact, company, deal]
          - id: rep-writes
            effect: allow
            roles: [rep, manager]
            tools: [CRM.UpdateRecord]
            objects: [contact, deal]
          - id: small-companies
            effect: allow
            roles: [manager]
            tools: [CRM.UpdateRecord]
            objects: [company]
            when: "current.numberofemployees < 100"
          - id: no-lost-deals
            effect: deny
            tools: [CRM.UpdateRecord]
            objects: [deal]
            when: "proposed.dealstage == 'closedlost'"
            code: policy.denied.lost_deals
            message: "Deals are marked lost by the sales desk, not by agents."
          - id: big-deals
            effect: require_approval
            tools: [CRM.UpdateRecord]
            objects: [deal]
            when: "current.amount > 50000 or proposed.amount > 50000"
            approval: { route: role, role: manager, reason: "Deals over 50,000 need a manager." }
        fields:
          - id: viewers-no-contact-details
            roles: [viewer]
            objects: [contact]
            deny_read: [email, phone]
          - id: reps-no-deal-owner
            roles: [rep]
            objects: [deal]
            deny_write: [owner]
        limits:
          writes_per_user: { max: 3, window: 60s }
          records_per_call: 20
          distinct_records_per_session: 5
        """;

    [Fact]
    public async Task Role_ViewerCannotUpdate_DeniedAndCrmUnchanged()
    {
        await using var server = await StartAsync("vera");

        var result = await UpdateDealAsync(server, "3001", new { amount = 2000 });

        result.ErrorCode().Should().Be(PolicyDenialCodes.Role);
        result.Structured().GetProperty("error").GetProperty("rule").GetString().Should().NotBeNullOrEmpty();
        (await DealAsync(server, "3001")).Should().Be("1000/1");
    }

    [Fact]
    public async Task Tool_NoRuleAllowsCreateContact_Denied()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.CreateContact", new { properties = new { email = "new.person@example.com" }, reason = "test" });

        result.ErrorCode().Should().Be(PolicyDenialCodes.Tool);
        (await server.CrmScalarAsync("SELECT count(*) FROM contacts WHERE email = 'new.person@example.com'")).Should().Be("0");
    }

    [Fact]
    public async Task Object_RepMayNotUpdateCompanies_Denied()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "company", recordId = "2001", properties = new { city = "Paris" }, reason = "test" });

        result.ErrorCode().Should().Be(PolicyDenialCodes.ObjectType);
        (await server.CrmScalarAsync("SELECT city FROM companies WHERE id = 2001")).Should().NotBe("Paris");
    }

    [Fact]
    public async Task FieldRead_ViewerSeesContactWithoutEmailAndPhone()
    {
        await using var server = await StartAsync("vera");

        var result = await server.CallAsync("CRM.GetRecord", new { objectType = "contact", recordId = "1001" });
        var search = await server.CallAsync("CRM.SearchRecords", new { objectType = "contact", query = "ada", limit = 3 });

        result.IsError.Should().NotBe(true, result.Text());
        var properties = result.Structured().GetProperty("properties");
        properties.GetProperty("email").GetString().Should().Be(FieldRedaction.Redacted);
        properties.GetProperty("phone").GetString().Should().Be(FieldRedaction.Redacted);
        properties.GetProperty("firstname").GetString().Should().Be("Ada");
        result.Text().Should().NotContain("ada.adler0@");
        search.Text().Should().NotContain("@").And.Contain(FieldRedaction.Redacted);
        search.Structured().GetProperty("records").GetArrayLength().Should().Be(3);
    }

    [Fact]
    public async Task FieldWrite_RepMayNotChangeDealOwner_DeniedAndCrmUnchanged()
    {
        await using var server = await StartAsync("ravi");

        var result = await UpdateDealAsync(server, "3001", new { owner = "ravi", amount = 1500 });

        result.ErrorCode().Should().Be(PolicyDenialCodes.FieldWrite);
        result.Text().Should().Contain("owner");
        (await DealAsync(server, "3001")).Should().Be("1000/1");
    }

    [Fact]
    public async Task ConditionOnArgument_AmountOver50000_NeedsApproval_CrmUnchanged()
    {
        await using var server = await StartAsync("ravi");

        var result = await UpdateDealAsync(server, "3001", new { amount = 60000 });

        result.ErrorCode().Should().Be(PolicyStep.ApprovalRequiredCode);
        result.Text().Should().Contain("manager");
        (await DealAsync(server, "3001")).Should().Be("1000/1");
    }

    [Fact]
    public async Task ConditionOnCurrentValue_DealAlreadyOver50000_NeedsApproval_CrmUnchanged()
    {
        await using var server = await StartAsync("ravi");

        var result = await UpdateDealAsync(server, "3017", new { dealname = "Renamed" });

        result.ErrorCode().Should().Be(PolicyStep.ApprovalRequiredCode);
        (await server.CrmScalarAsync("SELECT dealname FROM deals WHERE id = 3017")).Should().NotBe("Renamed");
    }

    [Fact]
    public async Task DenyRule_WithItsOwnCode()
    {
        await using var server = await StartAsync("ravi");

        var result = await UpdateDealAsync(server, "3001", new { dealstage = "closedlost" });

        result.ErrorCode().Should().Be("policy.denied.lost_deals");
        result.Text().Should().Contain("sales desk");
        (await DealAsync(server, "3001")).Should().Be("1000/1");
    }

    [Fact]
    public async Task DefaultDeny_WhenNoAllowRuleMatchesItsCondition()
    {
        await using var server = await StartAsync("maria");

        // small-companies allows managers only for companies under 100 employees; 2002 has 157.
        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "company", recordId = "2002", properties = new { city = "Paris" }, reason = "test" });
        var allowed = await server.CallAsync("CRM.UpdateRecord", new { objectType = "company", recordId = "2001", properties = new { city = "Paris" }, reason = "test" });

        result.ErrorCode().Should().Be(PolicyDenialCodes.Default);
        (await server.CrmScalarAsync("SELECT city FROM companies WHERE id = 2002")).Should().NotBe("Paris");
        allowed.IsError.Should().NotBe(true, allowed.Text());
        (await server.CrmScalarAsync("SELECT city FROM companies WHERE id = 2001")).Should().Be("Paris");
    }

    [Fact]
    public async Task RateLimit_FourthWriteInTheWindowIsDenied_AndAllowedAgainLater()
    {
        await using var server = await StartAsync("ravi");

        for (var i = 1; i <= 3; i++)
        {
            (await UpdateDealAsync(server, "3001", new { amount = 1000 + i })).IsError.Should().NotBe(true);
        }

        var fourth = await UpdateDealAsync(server, "3001", new { amount = 9999 });
        server.Time.Advance(TimeSpan.FromSeconds(61));
        var later = await UpdateDealAsync(server, "3001", new { amount = 1004 });

        fourth.ErrorCode().Should().Be(PolicyDenialCodes.RateLimit);
        later.IsError.Should().NotBe(true, later.Text());
        (await DealAsync(server, "3001")).Should().Be("1004/5");
    }

    [Fact]
    public async Task RecordsPerCall_SearchAboveTheLimitIsDenied()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.SearchRecords", new { objectType = "deal", limit = 50 });

        result.ErrorCode().Should().Be(PolicyDenialCodes.RecordsPerCall);
    }

    [Fact]
    public async Task FanOut_SixthDistinctRecordInASessionIsDenied()
    {
        await using var server = await StartAsync("ravi");

        foreach (var id in new[] { "3001", "3002", "3003", "3004", "3005", "3001" })
        {
            (await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = id })).IsError.Should().NotBe(true);
        }

        var sixth = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3006" });

        sixth.ErrorCode().Should().Be(PolicyDenialCodes.FanOut);
    }

    [Fact]
    public async Task TenantIsolation_AnotherTenantsRecord_DeniedAuditedAndUnchanged()
    {
        await using var server = await StartAsync("ravi");

        var read = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3501" });
        var write = await UpdateDealAsync(server, "3501", new { amount = 1 });

        read.ErrorCode().Should().Be(PolicyDenialCodes.Tenant);
        write.ErrorCode().Should().Be(PolicyDenialCodes.Tenant);
        read.Text().Should().NotContain("640000").And.NotContain("northwind");
        (await server.CrmScalarAsync("SELECT amount FROM deals WHERE id = 3501")).Should().Be("640000");
        var entries = await server.AuditEntriesAsync();
        entries.Should().Contain(e => e.Record.Event == AuditEventType.Denied && e.Record.RecordId == "3501"
            && e.Record.Outcome == "denied:" + PolicyDenialCodes.Tenant && e.Record.Tenant == "default" && e.Record.Actor == "ravi");
    }

    [Fact]
    public async Task TenantIsolation_NorthwindUserWorksInNorthwindOnly()
    {
        await using var server = await StartAsync("nora");

        var own = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3501" });
        var other = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" });

        own.IsError.Should().NotBe(true, own.Text());
        other.ErrorCode().Should().Be(PolicyDenialCodes.Tenant);
    }

    [Fact]
    public async Task UnknownUser_CanDoNothing()
    {
        await using var server = await StartAsync("mallory");

        var result = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" });
        var tools = await server.Client.ListToolsAsync();

        result.ErrorCode().Should().Be(PolicyDenialCodes.UnknownUser);
        tools.Should().BeEmpty();
    }

    [Fact]
    public async Task EveryDecision_StampsThePolicyVersionInTheAuditTrail()
    {
        await using var server = await StartAsync("ravi");
        var version = Load().Version;

        await UpdateDealAsync(server, "3001", new { amount = 2000 });
        await UpdateDealAsync(server, "3001", new { owner = "ravi" });

        var entries = await server.AuditEntriesAsync();
        entries.Where(e => e.Record.Event is AuditEventType.Proposed or AuditEventType.Denied)
            .Should().HaveCount(2).And.OnlyContain(e => e.Record.PolicyVersion == version);
        entries.Should().Contain(e => e.Record.Event == AuditEventType.Denied && e.Record.Rule == "reps-no-deal-owner");
    }

    private static CompiledPolicy Load() =>
        PolicyLoader.Load(TestPolicy, "test-policy.yaml").Policy ?? throw new InvalidOperationException("the test policy does not load");

    private static Task<McpTestServer> StartAsync(string user) =>
        McpTestServer.StartAsync(services: s =>
        {
            s.Configure<LocalCallerOptions>(o => o.UserId = user);
            s.AddGovernancePolicy(sp => new ActivePolicy(Load(), sp.GetRequiredService<TimeProvider>()));
        });

    private static ValueTask<ModelContextProtocol.Protocol.CallToolResult> UpdateDealAsync(McpTestServer server, string id, object properties) =>
        server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = id, properties, reason = "policy test" });

    private static Task<string?> DealAsync(McpTestServer server, string id) =>
        server.CrmScalarAsync($"SELECT amount || '/' || version FROM deals WHERE id = {id}");
}
