using GovernedCrm.Crm.Embedded;

namespace GovernedCrm.Crm.Tests;

public sealed class DemoDataSeedTests
{
    [Fact]
    public async Task InitializeAsync_NewDatabase_SeedsRealisticDemoData()
    {
        await using var crm = await TempCrm.CreateAsync();

        var contacts = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, null, 100, CancellationToken.None);
        var companies = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Company, null, 100, CancellationToken.None);
        var deals = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Deal, null, 100, CancellationToken.None);

        contacts.Records.Count.Should().BeGreaterThanOrEqualTo(50);
        companies.Records.Count.Should().BeGreaterThanOrEqualTo(20);
        deals.Records.Count.Should().BeGreaterThanOrEqualTo(30);
        var amounts = deals.Records.Select(d => (decimal)d.Properties["amount"]!).ToList();
        amounts.Min().Should().Be(1_000m);
        amounts.Max().Should().Be(500_000m);
        amounts.Count(a => a > 50_000m).Should().BeGreaterThan(5);
        deals.Records.Select(d => (string)d.Properties["dealstage"]!).Distinct()
            .Should().BeEquivalentTo(GovernedCrm.Crm.Schema.CrmSchema.DealStages);
        deals.Records.Should().OnlyContain(d => d.Properties["closedate"] is DateOnly);
    }

    [Fact]
    public async Task InitializeAsync_TwoDatabases_SameData()
    {
        await using var first = await TempCrm.CreateAsync();
        await using var second = await TempCrm.CreateAsync();

        var a = await first.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Deal, null, 100, CancellationToken.None);
        var b = await second.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Deal, null, 100, CancellationToken.None);

        a.Records.Should().BeEquivalentTo(b.Records);
    }

    [Fact]
    public async Task InitializeAsync_SecondRun_KeepsDataAndDoesNotReseed()
    {
        await using var crm = await TempCrm.CreateAsync();
        await crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["amount"] = 777m }, null, CancellationToken.None);

        var again = new EmbeddedCrmDatabase(crm.Database.Options);
        var version = await again.InitializeAsync(crm.Time, CancellationToken.None);

        version.Should().Be(1);
        var deal = await new EmbeddedCrmConnector(again, crm.Time).GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", CancellationToken.None);
        deal.Properties["amount"].Should().Be(777m);
    }
}
