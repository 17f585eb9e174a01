namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>Search, get and update for every object type, on both remote connectors.</summary>
public sealed class RemoteConnectorObjectTypeTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<string, CrmObjectType, string, string> Cases => new()
    {
        { "hubspot", CrmObjectType.Contact, "lastname", "jobtitle" },
        { "hubspot", CrmObjectType.Company, "name", "industry" },
        { "hubspot", CrmObjectType.Deal, "dealname", "dealname" },
        { "salesforce", CrmObjectType.Contact, "lastname", "jobtitle" },
        { "salesforce", CrmObjectType.Company, "name", "industry" },
        { "salesforce", CrmObjectType.Deal, "dealname", "dealname" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SearchGetUpdate_EachObjectType_RoundTrip(string provider, CrmObjectType type, string nameProperty, string updated)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.Seed(type, "Zebra Findme");
        crm.Seed(type, "Other");

        var found = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, type, "findme", 10, None);
        var record = await crm.Connector.GetAsync(RemoteCrmHarness.Alice, type, id, None);
        var write = await crm.Connector.UpdateAsync(RemoteCrmHarness.Alice, type, id, new Dictionary<string, object?> { [updated] = "Changed" }, record.Version, None);

        found.Records.Should().ContainSingle().Which.Id.Should().Be(id);
        found.Records[0].ObjectType.Should().Be(type);
        record.Properties[nameProperty].Should().Be("Zebra Findme");
        if (type == CrmObjectType.Deal)
        {
            record.Properties["dealstage"].Should().Be("qualifiedtobuy");
        }

        write.Changes.Should().ContainSingle().Which.Should().Be(new CrmPropertyChange(updated, updated == nameProperty ? "Zebra Findme" : null, "Changed"));
        (await crm.Connector.GetAsync(RemoteCrmHarness.Bob, type, id, None)).Properties[updated].Should().Be("Changed");
        crm.Double.Calls.Should().OnlyContain(c => c.Status >= 200 && c.Status < 300);
    }
}
