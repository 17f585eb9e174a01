using System.Text.Json;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>The MCP audit tools through an in-process MCP client: Audit.RecordHistory and the scoped Audit.VerifyChain.</summary>
public sealed class AuditToolsTests : IAsyncLifetime
{
    private AuditToolsScenario? _scenario;

    private AuditToolsScenario Scenario => _scenario!;

    public async Task InitializeAsync() => _scenario = await AuditToolsScenario.StartAsync();

    public async Task DisposeAsync() => await Scenario.DisposeAsync();

    [Fact]
    public async Task RecordHistory_Admin_ShowsTheChangeWithBeforeAfterAndWhoAsked()
    {
        await using var adam = await Scenario.ConnectAsync("adam", "admin");

        var result = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001" });

        result.IsError.Should().NotBe(true, AuditToolsScenario.Text(result));
        var body = result.StructuredContent!.Value;
        body.GetProperty("tenant").GetString().Should().Be("default");
        var executed = body.GetProperty("events").EnumerateArray().Should().ContainSingle(e => e.GetProperty("event").GetString() == "executed").Subject;
        executed.GetProperty("requestedBy").GetString().Should().Be("adam");
        var change = executed.GetProperty("changes").EnumerateArray().Should().ContainSingle().Subject;
        change.GetProperty("property").GetString().Should().Be("amount");
        change.GetProperty("after").GetDecimal().Should().Be(4242);
        change.GetProperty("beforeSource").GetString().Should().Be("recorded");
    }

    [Fact]
    public async Task RecordHistory_CreatedRecord_StartsWithItsCreation()
    {
        await using var adam = await Scenario.ConnectAsync("adam", "admin");

        var result = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "contact", recordId = Scenario.ContactId });

        var first = result.StructuredContent!.Value.GetProperty("events").EnumerateArray().First();
        first.GetProperty("tool").GetString().Should().Be("CRM.CreateContact");
        first.GetProperty("changes").EnumerateArray().Should().Contain(c =>
            c.GetProperty("property").GetString() == "email" && c.GetProperty("after").GetString() == AuditToolsScenario.EmailCanary
            && c.GetProperty("beforeSource").GetString() == "created");
    }

    [Fact]
    public async Task RecordHistory_Pages_WithTheCursor_AndRefusesAForeignOne()
    {
        await using var adam = await Scenario.ConnectAsync("adam", "admin");

        var first = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001", limit = 1 });
        var cursor = first.StructuredContent!.Value.GetProperty("nextCursor").GetString();
        var second = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001", limit = 1, cursor });
        var bad = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001", cursor = "bm90LWEtY3Vyc29y" });

        cursor.Should().NotBeNull();
        Seq(second).Should().BeGreaterThan(Seq(first));
        bad.IsError.Should().BeTrue();
        bad.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be("audit.invalid_query");
    }

    [Fact]
    public async Task RecordHistory_Rep_IsDeniedAndNotListed_Auditor_IsAllowedAndListed()
    {
        await using var rep = await Scenario.ConnectAsync("ravi", "rep");
        await using var auditor = await Scenario.ConnectAsync("aida", "auditor");

        var denied = await AuditToolsScenario.CallAsync(rep, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001" });
        var allowed = await AuditToolsScenario.CallAsync(auditor, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001" });

        denied.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be("policy.denied.admin_only");
        (await rep.ListToolsAsync()).Select(t => t.Name).Should().NotContain("Audit.RecordHistory");
        allowed.IsError.Should().NotBe(true, AuditToolsScenario.Text(allowed));
        (await auditor.ListToolsAsync()).Select(t => t.Name).Should().Contain(["Audit.RecordHistory", "Audit.VerifyChain"]).And.NotContain("CRM.UpdateRecord");
    }

    [Fact]
    public async Task VerifyChain_AdminWithoutTenant_VerifiesTheirOwnChainOnly()
    {
        await using var adam = await Scenario.ConnectAsync("adam", "admin");

        var result = await AuditToolsScenario.CallAsync(adam, "Audit.VerifyChain", new { });

        result.IsError.Should().NotBe(true, AuditToolsScenario.Text(result));
        var entries = await Scenario.Server.AuditEntriesAsync();
        var own = entries.Count(e => e.Record.Tenant == "default");
        entries.Should().Contain(e => e.Record.Tenant == "northwind");
        result.StructuredContent!.Value.GetProperty("valid").GetBoolean().Should().BeTrue();
        result.StructuredContent!.Value.GetProperty("entries").GetInt64().Should().Be(own - 1, "the default chain as it was while the call ran (its EXECUTED entry came after), and nothing of northwind's");
    }

    private static long Seq(ModelContextProtocol.Protocol.CallToolResult result) =>
        result.StructuredContent!.Value.GetProperty("events").EnumerateArray().Single().GetProperty("seq").GetInt64();
}
