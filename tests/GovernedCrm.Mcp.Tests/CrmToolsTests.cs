using System.Text.Json;
using GovernedCrm.Crm;

namespace GovernedCrm.Mcp.Tests;

public sealed class CrmToolsTests
{
    [Fact]
    public async Task SearchRecords_Query_ReturnsMatchingRecords()
    {
        await using var server = await McpTestServer.StartAsync();

        var result = await server.CallAsync("CRM.SearchRecords", new { objectType = "company", query = "solar", limit = 5 });

        result.IsError.Should().NotBe(true, result.Text());
        var structured = result.Structured();
        structured.GetProperty("count").GetInt32().Should().Be(1);
        structured.GetProperty("records")[0].GetProperty("properties").GetProperty("name").GetString().Should().Be("Helios Solar");
    }

    [Fact]
    public async Task SearchRecords_DefaultLimit_TenAndHasMore()
    {
        await using var server = await McpTestServer.StartAsync();

        var structured = (await server.CallAsync("CRM.SearchRecords", new { objectType = "deal" })).Structured();

        structured.GetProperty("count").GetInt32().Should().Be(10);
        structured.GetProperty("hasMore").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task GetRecord_SeededDeal_ReturnsTypedProperties()
    {
        await using var server = await McpTestServer.StartAsync();

        var record = (await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" })).Structured();

        record.GetProperty("id").GetString().Should().Be("3001");
        record.GetProperty("version").GetInt64().Should().Be(1);
        var properties = record.GetProperty("properties");
        properties.GetProperty("amount").ValueKind.Should().Be(JsonValueKind.Number);
        properties.GetProperty("amount").GetDecimal().Should().Be(1000m);
        properties.GetProperty("closedate").GetString().Should().Be("2026-01-15");
    }

    [Fact]
    public async Task GetRecord_PropertiesFilter_OnlyThose()
    {
        await using var server = await McpTestServer.StartAsync();

        var record = (await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001", properties = new[] { "amount", "dealstage" } })).Structured();

        record.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("amount", "dealstage");
    }

    [Fact]
    public async Task UpdateRecord_Amount_ExecutedWithBeforeAfterAndVisibleInNextRead()
    {
        await using var server = await McpTestServer.StartAsync();

        var result = await server.CallAsync("CRM.UpdateRecord", new
        {
            objectType = "deal",
            recordId = "3001",
            properties = new { amount = 75000.5 },
            reason = "Customer signed the larger order",
            confidence = 0.9,
        });

        result.IsError.Should().NotBe(true, result.Text());
        var outcome = result.Structured();
        outcome.GetProperty("outcome").GetString().Should().Be("executed");
        outcome.GetProperty("before").GetProperty("amount").GetDecimal().Should().Be(1000m);
        outcome.GetProperty("after").GetProperty("amount").GetDecimal().Should().Be(75000.5m);
        outcome.GetProperty("version").GetInt64().Should().Be(2);
        outcome.GetProperty("executionId").GetString().Should().NotBeNullOrEmpty();
        var reread = (await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" })).Structured();
        reread.GetProperty("properties").GetProperty("amount").GetDecimal().Should().Be(75000.5m);
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Properties["amount"].Should().Be(75000.5m);
    }

    [Fact]
    public async Task CreateContact_ValidEmail_CreatedAndReadable()
    {
        await using var server = await McpTestServer.StartAsync();

        var result = await server.CallAsync("CRM.CreateContact", new
        {
            properties = new { email = "grace.hopper@example.com", firstname = "Grace", lastname = "Hopper", lifecyclestage = "lead" },
            reason = "Met at the conference",
        });

        result.IsError.Should().NotBe(true, result.Text());
        var outcome = result.Structured();
        outcome.GetProperty("outcome").GetString().Should().Be("executed");
        outcome.GetProperty("created").GetBoolean().Should().BeTrue();
        var id = outcome.GetProperty("recordId").GetString()!;
        (await server.ReadAsync(CrmObjectType.Contact, id)).Properties["email"].Should().Be("grace.hopper@example.com");
    }
}
