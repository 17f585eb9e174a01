using GovernedCrm.Crm.Tests.Remote;

namespace GovernedCrm.Crm.Tests.HubSpot;

/// <summary>The HubSpot connector against the HubSpot double: reads, searches and writes with typed values.</summary>
public sealed class HubSpotCrmConnectorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly CrmActor Alice = RemoteCrmHarness.Alice;

    [Fact]
    public async Task GetAsync_Contact_PropertiesByContractNameAndOwnerFromHubSpotOwnerId()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.HubSpot.Seed("contacts", new Dictionary<string, string?>
        {
            ["email"] = "ada@example.com", ["firstname"] = "Ada", ["lifecyclestage"] = "lead", ["hubspot_owner_id"] = "77",
        });

        var record = await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id, None);

        record.Id.Should().Be(id);
        record.ObjectType.Should().Be(CrmObjectType.Contact);
        record.Properties["email"].Should().Be("ada@example.com");
        record.Properties["lifecyclestage"].Should().Be("lead");
        record.Properties["owner"].Should().Be("77");
        record.Properties["phone"].Should().BeNull();
        record.Properties.Should().NotContainKey("hubspot_owner_id");
        record.Version.Should().Be(record.UpdatedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task GetAsync_DealAndCompany_StringsBecomeTypedValues()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var deal = crm.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = "Big", ["amount"] = "75000.50", ["closedate"] = "2026-12-31", ["dealstage"] = "contractsent" });
        var company = crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Acme", ["numberofemployees"] = "250", ["annualrevenue"] = "1000000" });
        crm.HubSpot.Associate(deal, company);

        var d = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, deal, None);
        var c = await crm.Connector.GetAsync(Alice, CrmObjectType.Company, company, None);

        d.Properties["amount"].Should().Be(75000.50m);
        d.Properties["closedate"].Should().Be(new DateOnly(2026, 12, 31), "HubSpot answers midnight UTC as an ISO date-time");
        d.Properties["dealstage"].Should().Be("contractsent");
        d.Properties["companyId"].Should().Be(company, "a deal's company is its association");
        c.Properties["numberofemployees"].Should().Be(250L);
        c.Properties["annualrevenue"].Should().Be(1000000m);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("12a")]
    [InlineData("0015g00000AbCdEAAV")]
    [InlineData("1' OR '1'='1")]
    public async Task GetAsync_MalformedId_InvalidRecordIdAndNoCall(string id)
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();

        var act = () => crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidRecordId);
        crm.Double.Calls.Should().BeEmpty();
        (await crm.Connector.FindTenantAsync(Alice, CrmObjectType.Contact, id, None)).Should().BeNull();
    }

    [Fact]
    public async Task FindTenantAsync_WellFormedId_ActorsTenantWithoutACall()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();

        (await crm.Connector.FindTenantAsync(Alice, CrmObjectType.Deal, "1042", None)).Should().Be("acme");
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task SearchAsync_QueryAndLimit_MatchesAndHasMoreFromPaging()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        for (var i = 0; i < 3; i++)
        {
            crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = $"Acme {i}", ["numberofemployees"] = "10" });
        }

        crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Globex" });

        var page = await crm.Connector.SearchAsync(Alice, CrmObjectType.Company, "acme", 2, None);
        var all = await crm.Connector.SearchAsync(Alice, CrmObjectType.Company, "acme", 10, None);
        var everything = await crm.Connector.SearchAsync(Alice, CrmObjectType.Company, null, 100, None);

        page.Records.Should().HaveCount(2);
        page.HasMore.Should().BeTrue();
        page.Records[0].Properties["numberofemployees"].Should().Be(10L);
        all.Records.Select(r => r.Properties["name"]).Should().Equal("Acme 0", "Acme 1", "Acme 2");
        all.HasMore.Should().BeFalse();
        everything.Records.Should().HaveCount(4);
    }

    [Fact]
    public async Task UpdateAsync_Deal_TypedValuesRoundTripWithBeforeAndAfter()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = "Big", ["amount"] = "100", ["dealstage"] = "qualifiedtobuy" });
        var before = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, id, None);

        var result = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, id, new Dictionary<string, object?>
        {
            ["amount"] = 75000.5m, ["closedate"] = new DateOnly(2027, 1, 15), ["dealstage"] = "qualifiedtobuy", ["owner"] = "42",
        }, before.Version, None);

        result.Created.Should().BeFalse();
        result.Changes.Should().BeEquivalentTo(new[]
        {
            new CrmPropertyChange("amount", 100m, 75000.5m),
            new CrmPropertyChange("closedate", null, new DateOnly(2027, 1, 15)),
            new CrmPropertyChange("owner", null, "42"),
        });
        result.Record.Version.Should().BeGreaterThan(before.Version);
        result.Record.Properties["dealname"].Should().Be("Big");
        var reread = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, id, None);
        reread.Properties.Should().BeEquivalentTo(result.Record.Properties);
        reread.Properties["amount"].Should().Be(75000.5m);
    }

    [Fact]
    public async Task UpdateAsync_ContactAndCompany_ClearAndSet()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var contact = crm.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = "ada@example.com", ["phone"] = "+1 555" });
        var company = crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Acme" });

        var c = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Contact, contact, new Dictionary<string, object?> { ["phone"] = null, ["jobtitle"] = "CTO" }, null, None);
        var a = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Company, company, new Dictionary<string, object?> { ["numberofemployees"] = 12L, ["annualrevenue"] = 5.25m }, null, None);

        c.Record.Properties["phone"].Should().BeNull();
        c.Record.Properties["jobtitle"].Should().Be("CTO");
        a.Record.Properties["numberofemployees"].Should().Be(12L);
        a.Record.Properties["annualrevenue"].Should().Be(5.25m);
    }

    [Fact]
    public async Task UpdateAsync_NothingChanges_NoPatch()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = "ada@example.com", ["firstname"] = "Ada" });

        var result = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["firstname"] = "Ada" }, null, None);

        result.Changes.Should().BeEmpty();
        crm.Double.Calls.Should().NotContain(c => c.Method == "PATCH");
    }

    [Fact]
    public async Task UpdateAsync_StaleExpectedVersion_ConflictAndNoPatch()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = "Big" });
        var seen = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, id, None);
        await crm.Connector.UpdateAsync(RemoteCrmHarness.Bob, CrmObjectType.Deal, id, new Dictionary<string, object?> { ["amount"] = 1m }, null, None);

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, id, new Dictionary<string, object?> { ["amount"] = 2m }, seen.Version, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Conflict);
        crm.Double.Calls.Count(c => c.Method == "PATCH").Should().Be(1);
    }

    [Theory]
    [InlineData("shoe_size")]
    [InlineData("hubspot_owner_id")]
    [InlineData("associations")]
    public async Task UpdateAsync_PropertyNotInTheContractOrNotMapped_UnknownPropertyAndNoCall(string property)
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, "1001", new Dictionary<string, object?> { [property] = "1" }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.UnknownProperty);
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_ClearRequiredProperty_MissingProperty()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, "1001", new Dictionary<string, object?> { ["dealname"] = null }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.MissingProperty);
    }

    [Fact]
    public async Task CreateContactAsync_Created_ThenSameEmailIsDuplicate()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var properties = new Dictionary<string, object?> { ["email"] = "new@example.com", ["lastname"] = "New", ["lifecyclestage"] = "lead" };

        var created = await crm.Connector.CreateContactAsync(Alice, properties, None);
        var again = () => crm.Connector.CreateContactAsync(Alice, properties, None);

        created.Created.Should().BeTrue();
        created.Record.Properties["email"].Should().Be("new@example.com");
        created.Changes.Should().ContainEquivalentOf(new CrmPropertyChange("lastname", null, "New"));
        (await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, created.Record.Id, None)).Properties["lifecyclestage"].Should().Be("lead");
        (await again.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Duplicate);
        crm.Double.Calls.Where(c => c.Method == "POST").Select(c => c.User).Should().Equal("alice", "alice");
    }

    [Fact]
    public async Task CreateContactAsync_NoEmail_MissingPropertyAndNoCall()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();

        var act = () => crm.Connector.CreateContactAsync(Alice, new Dictionary<string, object?> { ["lastname"] = "X" }, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.MissingProperty);
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_CrmRefusesValue_InvalidValueWithTheCrmsMessage()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = "ada@example.com" });

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["owner"] = "nobody" }, null, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.InvalidValue);
        error.Message.Should().Contain("HubSpot").And.Contain("nobody is not a valid owner id");
        crm.Double.Calls[^1].Should().Match<GovernedCrm.Testing.CrmDoubles.CrmDoubleCall>(c => c.Method == "PATCH" && c.Status == 400);
    }

    [Fact]
    public async Task UpdateAsync_DealCompanyId_SetMovedAndClearedThroughAssociations()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var deal = crm.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = "Big" });
        var acme = crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Acme" });
        var globex = crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Globex" });

        var set = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, deal, new Dictionary<string, object?> { ["companyId"] = acme, ["amount"] = 5m }, null, None);
        var moved = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, deal, new Dictionary<string, object?> { ["companyId"] = globex }, null, None);
        crm.HubSpot.CompaniesOf(deal).Should().Equal(globex);
        var cleared = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, deal, new Dictionary<string, object?> { ["companyId"] = null }, null, None);

        set.Changes.Should().BeEquivalentTo(new[] { new CrmPropertyChange("amount", null, 5m), new CrmPropertyChange("companyId", null, acme) });
        moved.Changes.Should().ContainSingle().Which.Should().Be(new CrmPropertyChange("companyId", acme, globex));
        moved.Record.Properties["amount"].Should().Be(5m);
        cleared.Record.Properties["companyId"].Should().BeNull();
        crm.HubSpot.CompaniesOf(deal).Should().BeEmpty();
        crm.Double.Calls.Where(c => c.Path.StartsWith("/crm/v4/", StringComparison.Ordinal)).Select(c => (c.Method, c.Status, c.User))
            .Should().Equal(("PUT", 200, "alice"), ("PUT", 200, "alice"), ("DELETE", 204, "alice"), ("DELETE", 204, "alice"));
    }

    [Fact]
    public async Task UpdateAsync_DealCompanyIdNoSuchCompany_InvalidValueAndOldAssociationKept()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var deal = crm.HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = "Big" });
        var acme = crm.HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = "Acme" });
        crm.HubSpot.Associate(deal, acme);

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, deal, new Dictionary<string, object?> { ["companyId"] = "9999" }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidValue);
        crm.HubSpot.CompaniesOf(deal).Should().Equal(acme);
    }
}
