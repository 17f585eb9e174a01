namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>
/// A search with excluded properties (those the caller may not read) never matches on them, on both remote
/// connectors: Salesforce leaves them out of the SOQL WHERE; HubSpot, whose free-text query cannot be narrowed,
/// reads the records in id order and matches locally.
/// </summary>
public sealed class RemoteConnectorSearchExclusionTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly HashSet<string> Email = new(StringComparer.Ordinal) { "email" };

    [Theory]
    [InlineData("hubspot")]
    [InlineData("salesforce")]
    public async Task SearchAsync_QueryOnlyInAnExcludedProperty_MatchesNothing_OtherPropertiesStillMatch(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var ada = crm.SeedContact("zq.hidden@example.com", "Ada", "Lovelace");
        crm.SeedContact("grace@example.com", "Grace", "Hopper");

        var unrestricted = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "zq.hidden", 10, None);
        var hidden = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "zq.hidden", 10, Email, None);
        var byName = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "LOVELACE", 10, Email, None);
        var listed = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, null, 10, Email, None);

        unrestricted.Records.Should().ContainSingle().Which.Id.Should().Be(ada);
        hidden.Records.Should().BeEmpty();
        hidden.HasMore.Should().BeFalse();
        byName.Records.Should().ContainSingle().Which.Id.Should().Be(ada);
        listed.Records.Should().HaveCount(2, "without a query nothing is matched, so nothing is excluded");
    }

    [Theory]
    [InlineData("hubspot")]
    [InlineData("salesforce")]
    public async Task SearchAsync_ExcludedProperty_LimitAndHasMoreCountReadableMatchesOnly(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        crm.SeedContact("findme.1@example.com", "Other", "One");
        var first = crm.SeedContact("a@example.com", "Findme", "Two");
        var second = crm.SeedContact("b@example.com", "Findme", "Three");
        crm.SeedContact("c@example.com", "Findme", "Four");

        var page = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "findme", 2, Email, None);

        page.Records.Select(r => r.Id).Should().Equal(first, second);
        page.HasMore.Should().BeTrue();
    }

    [Theory]
    [InlineData("hubspot")]
    [InlineData("salesforce")]
    public async Task SearchAsync_EverySearchablePropertyExcluded_AQueryMatchesNothing(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        var all = Schema.CrmSchema.Contact.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var result = await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "ada", 10, all, None);

        result.Records.Should().BeEmpty();
    }
}
