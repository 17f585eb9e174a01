using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Security.Tests.Audit;

/// <summary>
/// An admin or auditor of one tenant reaching for another tenant's audit chain (verify it, learn its name or size,
/// read a record's history from it), and an auditor reading values their role may not read through a record's
/// history. Each test asserts the answer and what the audit chain recorded of the attempt; the CRM is not touched
/// by these read-only tools (the attempts' entries are the only change).
/// </summary>
public sealed class AuditScopeAttackTests : IAsyncLifetime
{
    private AuditToolsScenario? _scenario;

    private AuditToolsScenario Scenario => _scenario!;

    public async Task InitializeAsync() => _scenario = await AuditToolsScenario.StartAsync();

    public async Task DisposeAsync() => await Scenario.DisposeAsync();

    [Fact]
    public async Task VerifyChain_AnotherTenantsChain_IsRefusedAlikeWhetherItExistsOrNot()
    {
        await using var adam = await Scenario.ConnectAsync("adam", "admin");
        var northwindEntries = (await Scenario.Server.AuditEntriesAsync()).Count(e => e.Record.Tenant == "northwind");

        var existing = await AuditToolsScenario.CallAsync(adam, "Audit.VerifyChain", new { tenant = "northwind" });
        var missing = await AuditToolsScenario.CallAsync(adam, "Audit.VerifyChain", new { tenant = "ghost-tenant" });

        northwindEntries.Should().BeGreaterThan(0, "the chain the attacker asks for exists");
        existing.IsError.Should().BeTrue();
        existing.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be("audit.out_of_scope");
        AuditToolsScenario.Text(existing).Should().Be(AuditToolsScenario.Text(missing), "the refusal says nothing of whether the chain exists");
        AuditToolsScenario.Text(existing).Should().NotContain("northwind").And.NotContain(northwindEntries.ToString(System.Globalization.CultureInfo.InvariantCulture) + " entries");
        var attempts = (await Scenario.Server.AuditEntriesAsync()).Where(e => e.Record.Tool == "Audit.VerifyChain" && e.Record.Result?.Contains("audit.out_of_scope", StringComparison.Ordinal) == true).ToList();
        attempts.Should().HaveCount(2, "both attempts are in the audit trail").And.OnlyContain(e => e.Record.Tenant == "default" && e.Record.Actor == "adam");
    }

    [Fact]
    public async Task VerifyChain_AdminWithoutTenant_ReportsOnlyTheirOwnChain()
    {
        await using var nadia = await Scenario.ConnectAsync("nadia", "admin", "northwind");

        var result = await AuditToolsScenario.CallAsync(nadia, "Audit.VerifyChain", new { });

        var entries = await Scenario.Server.AuditEntriesAsync();
        var northwind = entries.Count(e => e.Record.Tenant == "northwind");
        result.StructuredContent!.Value.GetProperty("valid").GetBoolean().Should().BeTrue(AuditToolsScenario.Text(result));
        result.StructuredContent!.Value.GetProperty("entries").GetInt64().Should().Be(northwind - 1, "northwind's chain while the call ran, never default's size");
        entries.Count(e => e.Record.Tenant == "default").Should().BeGreaterThan(northwind, "default's chain is the bigger one, so its size would show");
    }

    [Fact]
    public async Task VerifyChain_CrossTenantRole_MayVerifyAnotherTenant()
    {
        await using var compliance = await Scenario.ConnectAsync("carla", "compliance");

        var northwind = await AuditToolsScenario.CallAsync(compliance, "Audit.VerifyChain", new { tenant = "northwind" });
        var every = await AuditToolsScenario.CallAsync(compliance, "Audit.VerifyChain", new { });

        northwind.IsError.Should().NotBe(true, AuditToolsScenario.Text(northwind));
        northwind.StructuredContent!.Value.GetProperty("valid").GetBoolean().Should().BeTrue();
        var entries = await Scenario.Server.AuditEntriesAsync();
        every.StructuredContent!.Value.GetProperty("entries").GetInt64().Should().BeGreaterThan(entries.Count(e => e.Record.Tenant == "default"), "without a tenant, a cross-tenant role verifies every chain");
    }

    [Fact]
    public async Task RecordHistory_AnotherTenantsRecord_ShowsNothingOfTheirChain()
    {
        await using var nadia = await Scenario.ConnectAsync("nadia", "admin", "northwind");

        var deal = await AuditToolsScenario.CallAsync(nadia, "Audit.RecordHistory", new { objectType = "deal", recordId = "3001" });
        var contact = await AuditToolsScenario.CallAsync(nadia, "Audit.RecordHistory", new { objectType = "contact", recordId = Scenario.ContactId });

        deal.IsError.Should().NotBe(true, AuditToolsScenario.Text(deal));
        deal.StructuredContent!.Value.GetProperty("tenant").GetString().Should().Be("northwind");
        deal.StructuredContent!.Value.GetProperty("events").GetArrayLength().Should().Be(0, "northwind's chain holds only a denied read of deal 3001");
        AuditToolsScenario.Text(deal).Should().NotContain("4242").And.NotContain("adam");
        contact.StructuredContent!.Value.GetProperty("events").GetArrayLength().Should().Be(0);
        AuditToolsScenario.Text(contact).Should().NotContain(AuditToolsScenario.EmailFragment);
    }

    [Fact]
    public async Task RecordHistory_AuditorWhoMayNotReadEmails_NeverSeesTheCanary()
    {
        await using var auditor = await Scenario.ConnectAsync("aida", "auditor");
        await using var adam = await Scenario.ConnectAsync("adam", "admin");

        var redacted = await AuditToolsScenario.CallAsync(auditor, "Audit.RecordHistory", new { objectType = "contact", recordId = Scenario.ContactId });
        var control = await AuditToolsScenario.CallAsync(adam, "Audit.RecordHistory", new { objectType = "contact", recordId = Scenario.ContactId });

        redacted.IsError.Should().NotBe(true, AuditToolsScenario.Text(redacted));
        redacted.StructuredContent!.Value.GetProperty("events").GetArrayLength().Should().BeGreaterThan(0);
        AuditToolsScenario.Text(redacted).Should().NotContain(AuditToolsScenario.EmailFragment).And.Contain("[redacted by policy]");
        AuditToolsScenario.Text(control).Should().Contain(AuditToolsScenario.EmailCanary, "an admin may read emails: the canary is there to be hidden");
        var entry = (await Scenario.Server.AuditEntriesAsync()).Last(e => e.Record.Tool == "Audit.RecordHistory" && e.Record.Actor == "aida");
        entry.Record.Event.Should().Be(AuditEventType.Executed, "the auditor's read is itself audited");
    }

    [Fact]
    public async Task RecordHistory_RepOrViewer_IsDenied_AndTheDenialIsAudited()
    {
        await using var viewer = await Scenario.ConnectAsync("vera", "viewer");

        var result = await AuditToolsScenario.CallAsync(viewer, "Audit.RecordHistory", new { objectType = "contact", recordId = Scenario.ContactId });

        result.IsError.Should().BeTrue();
        result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be("policy.denied.admin_only");
        AuditToolsScenario.Text(result).Should().NotContain(AuditToolsScenario.EmailFragment);
        (await Scenario.Server.AuditEntriesAsync()).Should().Contain(e =>
            e.Record.Tool == "Audit.RecordHistory" && e.Record.Actor == "vera" && e.Record.Event == AuditEventType.Denied);
    }
}
