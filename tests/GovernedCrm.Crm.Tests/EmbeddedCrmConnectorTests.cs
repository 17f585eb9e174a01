using GovernedCrm.Crm.Embedded;

namespace GovernedCrm.Crm.Tests;

public sealed class EmbeddedCrmConnectorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task GetAsync_SeededDeal_ReturnsTypedValues()
    {
        await using var crm = await TempCrm.CreateAsync();

        var deal = await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", None);

        deal.Id.Should().Be("3001");
        deal.Version.Should().Be(1);
        deal.Properties["amount"].Should().Be(1_000m);
        deal.Properties["closedate"].Should().Be(new DateOnly(2026, 1, 15));
        deal.Properties["companyId"].Should().Be("2001");
    }

    [Theory]
    [InlineData("3001' OR '1'='1")]
    [InlineData("3001; DROP TABLE deals; --")]
    [InlineData("\"3001\"")]
    [InlineData("../3001")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1234567890123456789")]
    public async Task GetAsync_MalformedId_InvalidRecordIdAndNothingChanged(string id)
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, id, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidRecordId);
        (await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Deal, null, 100, None)).Records.Should().HaveCount(40);
    }

    [Fact]
    public async Task GetAsync_MissingRecord_NotFound()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "9999", None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.NotFound);
    }

    [Fact]
    public async Task GetAsync_OtherTenantsRecord_NotFound()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3501", None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.NotFound);
        var own = await crm.Connector.GetAsync(new CrmActor("erin", DemoDataSeed.OtherTenant), CrmObjectType.Deal, "3501", None);
        own.Properties["amount"].Should().Be(640_000m);
    }

    [Fact]
    public async Task SearchAsync_Query_MatchesTextProperties()
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Company, "helios", 10, None);

        result.Records.Should().ContainSingle().Which.Properties["name"].Should().Be("Helios Solar");
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("' OR 1=1 --")]
    public async Task SearchAsync_WildcardsAndQuotes_AreLiteral(string query)
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Company, query, 100, None);

        result.Records.Should().BeEmpty();
    }

    [Fact]
    public async Task SearchAsync_ExcludedProperties_NeverMatchedOn()
    {
        await using var crm = await TempCrm.CreateAsync();
        var created = await crm.Connector.CreateContactAsync(
            TempCrm.Alice, new Dictionary<string, object?> { ["email"] = "zq.hidden@x.example", ["firstname"] = "Zeldaqx", ["phone"] = "555-0101-9876" }, None);
        var hidden = new HashSet<string>(StringComparer.Ordinal) { "email", "phone" };
        var everything = Schema.CrmSchema.Contact.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var byEmail = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, "zq.hidden", 10, None);
        var byEmailHidden = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, "zq.hidden", 10, hidden, None);
        var byPhoneHidden = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, "0101-98", 10, hidden, None);
        var byName = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, "zeldaqx", 10, hidden, None);
        var nothingSearchable = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Contact, "zeldaqx", 10, everything, None);

        byEmail.Records.Should().ContainSingle().Which.Id.Should().Be(created.Record.Id);
        byEmailHidden.Records.Should().BeEmpty();
        byPhoneHidden.Records.Should().BeEmpty();
        byName.Records.Should().ContainSingle().Which.Id.Should().Be(created.Record.Id);
        nothingSearchable.Records.Should().BeEmpty();
        nothingSearchable.HasMore.Should().BeFalse();
    }

    [Fact]
    public async Task SearchAsync_Limit_ReportsHasMore()
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Deal, null, 5, None);

        result.Records.Select(r => r.Id).Should().Equal("3001", "3002", "3003", "3004", "3005");
        result.HasMore.Should().BeTrue();
    }

    [Fact]
    public async Task SearchAsync_OtherTenant_NeverReturned()
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.SearchAsync(TempCrm.Alice, CrmObjectType.Company, "northwind", 100, None);

        result.Records.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_ChangesValues_BumpsVersionAndStampsTime()
    {
        await using var crm = await TempCrm.CreateAsync();
        crm.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001",
            new Dictionary<string, object?> { ["amount"] = 75_000.50m, ["dealstage"] = "contractsent", ["pipeline"] = "default" }, null, None);

        result.Changes.Should().BeEquivalentTo([
            new CrmPropertyChange("amount", 1_000m, 75_000.50m),
            new CrmPropertyChange("dealstage", "appointmentscheduled", "contractsent"),
        ]);
        result.Record.Version.Should().Be(2);
        result.Record.UpdatedAt.Should().Be(crm.Time.GetUtcNow());
        (await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", None)).Properties["amount"].Should().Be(75_000.50m);
    }

    [Fact]
    public async Task UpdateAsync_SameValues_NoChangeNoNewVersion()
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["amount"] = 1_000m }, null, None);

        result.Changes.Should().BeEmpty();
        result.Record.Version.Should().Be(1);
    }

    [Fact]
    public async Task UpdateAsync_StaleExpectedVersion_ConflictAndUnchanged()
    {
        await using var crm = await TempCrm.CreateAsync();
        await crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["amount"] = 2_000m }, null, None);

        var act = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["amount"] = 3_000m }, expectedVersion: 1, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Conflict);
        (await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", None)).Properties["amount"].Should().Be(2_000m);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWritersOnSeparateConnections_NoLostUpdate()
    {
        await using var crm = await TempCrm.CreateAsync();
        var other = new EmbeddedCrmConnector(new EmbeddedCrmDatabase(crm.Database.Options), crm.Time);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? crm.Connector : other).UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001",
                new Dictionary<string, object?> { ["amount"] = 10_000m + i }, null, None)));

        var deal = await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", None);
        deal.Version.Should().Be(21);
    }

    [Fact]
    public async Task UpdateAsync_OtherTenantsRecord_NotFoundAndUnchanged()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3501", new Dictionary<string, object?> { ["amount"] = 1m }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.NotFound);
        var own = await crm.Connector.GetAsync(new CrmActor("erin", DemoDataSeed.OtherTenant), CrmObjectType.Deal, "3501", None);
        own.Version.Should().Be(1);
    }

    [Fact]
    public async Task UpdateAsync_UnknownProperty_ListsValidOnes()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["price"] = 1m }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Message.Should().Contain("'price'").And.Contain("dealname, amount, dealstage");
    }

    [Fact]
    public async Task UpdateAsync_CompanyThatDoesNotExist_InvalidValue()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["companyId"] = "2501" }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidValue);
    }

    [Fact]
    public async Task UpdateAsync_ClearRequiredEmail_Refused()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Contact, "1001", new Dictionary<string, object?> { ["email"] = null }, null, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.MissingProperty);
    }

    [Fact]
    public async Task CreateContactAsync_NewEmail_CreatesWithNextId()
    {
        await using var crm = await TempCrm.CreateAsync();

        var result = await crm.Connector.CreateContactAsync(TempCrm.Alice,
            new Dictionary<string, object?> { ["email"] = "new.person@example.com", ["firstname"] = "New" }, None);

        result.Created.Should().BeTrue();
        result.Record.Id.Should().Be("1503", "ids follow the highest existing contact id (1502, in the other tenant)");
        result.Record.Version.Should().Be(1);
        (await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Contact, result.Record.Id, None)).Properties["firstname"].Should().Be("New");
    }

    [Fact]
    public async Task CreateContactAsync_DuplicateEmail_Refused()
    {
        await using var crm = await TempCrm.CreateAsync();
        var existing = await crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Contact, "1001", None);

        var act = () => crm.Connector.CreateContactAsync(TempCrm.Alice, new Dictionary<string, object?> { ["email"] = existing.Properties["email"] }, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Duplicate);
    }

    [Fact]
    public async Task CreateContactAsync_WithoutEmail_Refused()
    {
        await using var crm = await TempCrm.CreateAsync();

        var act = () => crm.Connector.CreateContactAsync(TempCrm.Alice, new Dictionary<string, object?> { ["firstname"] = "Nameless" }, None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.MissingProperty);
    }
}
