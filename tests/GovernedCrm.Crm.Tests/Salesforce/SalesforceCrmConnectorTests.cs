using System.Text.Json.Nodes;
using GovernedCrm.Crm.Tests.Remote;

namespace GovernedCrm.Crm.Tests.Salesforce;

/// <summary>The Salesforce connector against the Salesforce double: Contact, Account and Opportunity as contact, company, deal.</summary>
public sealed class SalesforceCrmConnectorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly CrmActor Alice = RemoteCrmHarness.Alice;

    [Fact]
    public async Task GetAsync_Opportunity_FieldsMappedAndTyped()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var account = crm.Salesforce.Seed("Account", new JsonObject { ["Name"] = "Acme" });
        var id = crm.Salesforce.Seed("Opportunity", new JsonObject
        {
            ["Name"] = "Big", ["Amount"] = 75000.5, ["StageName"] = "Closed Won", ["CloseDate"] = "2026-12-31", ["OwnerId"] = "005000000000001AAA", ["AccountId"] = account,
        });

        var deal = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, id, None);

        deal.Id.Should().Be(id).And.HaveLength(18);
        deal.Properties.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["dealname"] = "Big", ["amount"] = 75000.5m, ["dealstage"] = "closedwon", ["closedate"] = new DateOnly(2026, 12, 31),
            ["owner"] = "005000000000001AAA", ["companyId"] = account,
        });
        deal.Version.Should().Be(deal.UpdatedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task GetAsync_AccountAndContact_FieldsMappedAndTyped()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var account = crm.Salesforce.Seed("Account", new JsonObject
        {
            ["Name"] = "Acme", ["Website"] = "acme.example", ["Industry"] = "Manufacturing", ["BillingCity"] = "Lyon", ["BillingCountry"] = "France",
            ["NumberOfEmployees"] = 250, ["AnnualRevenue"] = 1000000,
        });
        var contact = crm.SeedContact("ada@example.com", "Ada", "Lovelace");

        var company = await crm.Connector.GetAsync(Alice, CrmObjectType.Company, account, None);
        var person = await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, contact, None);

        company.Properties.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["name"] = "Acme", ["domain"] = "acme.example", ["industry"] = "Manufacturing", ["city"] = "Lyon", ["country"] = "France",
            ["numberofemployees"] = 250L, ["annualrevenue"] = 1000000m,
        });
        person.Properties["email"].Should().Be("ada@example.com");
        person.Properties["lastname"].Should().Be("Lovelace");
        person.Properties.Should().NotContainKeys("company", "lifecyclestage");
    }

    [Fact]
    public async Task GetAsync_FifteenCharacterId_Accepted()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");

        var record = await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id[..15], None);

        record.Id.Should().Be(id);
    }

    [Theory]
    [InlineData("1042")]
    [InlineData("003000000000001AA")]
    [InlineData("003000000000001AA'")]
    [InlineData("../../sobjects/User")]
    public async Task GetAsync_NotASalesforceId_InvalidRecordIdAndNoCall(string id)
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        var act = () => crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidRecordId);
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task GetAsync_InstanceUrlFromToken_UsedWhenNoneConfigured()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync(instanceFromToken: true);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");

        (await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id, None)).Id.Should().Be(id);
        crm.Double.Calls.Should().ContainSingle().Which.Path.Should().Be($"/services/data/v60.0/sobjects/Contact/{id}");
    }

    [Fact]
    public async Task SearchAsync_Text_MatchesCaseInsensitivelyInIdOrderWithHasMore()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        crm.SeedContact("grace@example.com", "Grace", "Hopper");
        crm.SeedContact("alan@other.org", "Alan", "Turing");

        var page = await crm.Connector.SearchAsync(Alice, CrmObjectType.Contact, "EXAMPLE.com", 1, None);
        var all = await crm.Connector.SearchAsync(Alice, CrmObjectType.Contact, "example.com", 10, None);
        var none = await crm.Connector.SearchAsync(Alice, CrmObjectType.Contact, "nobody", 10, None);
        var everything = await crm.Connector.SearchAsync(Alice, CrmObjectType.Contact, null, 10, None);

        page.Records.Should().ContainSingle().Which.Properties["firstname"].Should().Be("Ada");
        page.HasMore.Should().BeTrue();
        all.Records.Select(r => r.Properties["firstname"]).Should().Equal("Ada", "Grace");
        all.HasMore.Should().BeFalse();
        none.Records.Should().BeEmpty();
        everything.Records.Should().HaveCount(3);
    }

    [Theory]
    [InlineData("x' OR Name != '")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\' OR Id != null) ORDER BY Id LIMIT 100 --")]
    [InlineData("a\\")]
    [InlineData("line\nbreak \"quoted\"")]
    public async Task SearchAsync_InjectionAttempt_StaysOneLiteral(string text)
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        var exact = crm.SeedContact("odd@example.com", text, "Odd");

        var result = await crm.Connector.SearchAsync(Alice, CrmObjectType.Contact, text, 10, None);

        // The double parsed the SOQL strictly: one literal, equal to the text, matching only the record holding it.
        crm.Double.Calls.Should().ContainSingle().Which.SearchText.Should().Be(text.Trim());
        result.Records.Select(r => r.Id).Should().Equal(exact);
    }

    [Fact]
    public async Task UpdateAsync_Opportunity_TypedValuesAndStageRoundTrip()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var account = crm.Salesforce.Seed("Account", new JsonObject { ["Name"] = "Acme" });
        var id = crm.Salesforce.Seed("Opportunity", new JsonObject { ["Name"] = "Big", ["Amount"] = 100, ["StageName"] = "Prospecting", ["CloseDate"] = "2026-12-31" });
        var before = await crm.Connector.GetAsync(Alice, CrmObjectType.Deal, id, None);

        var result = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, id, new Dictionary<string, object?>
        {
            ["amount"] = 75000.5m, ["dealstage"] = "contractsent", ["closedate"] = new DateOnly(2027, 1, 15), ["companyId"] = account,
        }, before.Version, None);

        result.Changes.Should().BeEquivalentTo(new[]
        {
            new CrmPropertyChange("amount", 100m, 75000.5m),
            new CrmPropertyChange("dealstage", "appointmentscheduled", "contractsent"),
            new CrmPropertyChange("closedate", new DateOnly(2026, 12, 31), new DateOnly(2027, 1, 15)),
            new CrmPropertyChange("companyId", null, account),
        });
        result.Record.Version.Should().BeGreaterThan(before.Version);
        crm.Salesforce.Store.Find("Opportunity", id)!.Fields["StageName"]!.GetValue<string>().Should().Be("Proposal/Price Quote");
        crm.Double.Calls.Select(c => (c.Method, c.Status)).Should().Equal(("GET", 200), ("GET", 200), ("PATCH", 204), ("GET", 200));
    }

    [Fact]
    public async Task UpdateAsync_Account_NumbersRoundTrip()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var id = crm.Salesforce.Seed("Account", new JsonObject { ["Name"] = "Acme", ["Website"] = "old.example" });

        var result = await crm.Connector.UpdateAsync(Alice, CrmObjectType.Company, id, new Dictionary<string, object?>
        {
            ["numberofemployees"] = 12L, ["annualrevenue"] = 5.25m, ["domain"] = null,
        }, null, None);

        result.Record.Properties["numberofemployees"].Should().Be(12L);
        result.Record.Properties["annualrevenue"].Should().Be(5.25m);
        result.Record.Properties["domain"].Should().BeNull();
    }

    [Fact]
    public async Task UpdateAsync_StaleExpectedVersion_ConflictAndNoPatch()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        var seen = await crm.Connector.GetAsync(Alice, CrmObjectType.Contact, id, None);
        await crm.Connector.UpdateAsync(RemoteCrmHarness.Bob, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["jobtitle"] = "CTO" }, null, None);

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["jobtitle"] = "CEO" }, seen.Version, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Conflict);
        crm.Double.Calls.Count(c => c.Method == "PATCH").Should().Be(1);
    }

    [Theory]
    [InlineData(CrmObjectType.Contact, "company")]
    [InlineData(CrmObjectType.Contact, "lifecyclestage")]
    [InlineData(CrmObjectType.Deal, "pipeline")]
    [InlineData(CrmObjectType.Deal, "StageName")]
    public async Task UpdateAsync_UnmappedOrUnknownProperty_UnknownPropertyAndNoCall(CrmObjectType type, string property)
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        var act = () => crm.Connector.UpdateAsync(Alice, type, "003000000000001AAA", new Dictionary<string, object?> { [property] = "x" }, null, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.UnknownProperty);
        error.Message.Should().Contain(property);
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_CompanyIdNotASalesforceId_InvalidValueAndNoCall()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        var act = () => crm.Connector.UpdateAsync(Alice, CrmObjectType.Deal, "006000000000001AAA", new Dictionary<string, object?> { ["companyId"] = "2001" }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidValue);
        crm.Double.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task CreateContactAsync_Created201ThenRead()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        var result = await crm.Connector.CreateContactAsync(Alice, new Dictionary<string, object?>
        {
            ["email"] = "new@example.com", ["lastname"] = "New", ["jobtitle"] = "CFO",
        }, None);

        result.Created.Should().BeTrue();
        result.Record.Id.Should().StartWith("003").And.HaveLength(18);
        result.Record.Properties["jobtitle"].Should().Be("CFO");
        result.Changes.Should().ContainEquivalentOf(new CrmPropertyChange("email", null, "new@example.com"));
        crm.Double.Calls.Select(c => (c.Method, c.Status, c.User)).Should().Equal(("POST", 201, "alice"), ("GET", 200, "alice"));
    }

    [Fact]
    public async Task CreateContactAsync_NoLastName_InvalidValueWithSalesforcesMessage()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        var act = () => crm.Connector.CreateContactAsync(Alice, new Dictionary<string, object?> { ["email"] = "new@example.com" }, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.InvalidValue);
        error.Message.Should().Contain("Salesforce").And.Contain("Required fields are missing: [LastName]");
    }

    [Fact]
    public async Task FindTenantAsync_SalesforceId_ActorsTenant()
    {
        await using var crm = await RemoteCrmHarness.SalesforceAsync();

        (await crm.Connector.FindTenantAsync(Alice, CrmObjectType.Company, "001000000000001AAA", None)).Should().Be("acme");
        (await crm.Connector.FindTenantAsync(Alice, CrmObjectType.Company, "2001", None)).Should().BeNull();
        crm.Connector.RecordIdFormat.Should().Be(GovernedCrm.Crm.Schema.CrmRecordIdFormat.Salesforce);
    }
}
