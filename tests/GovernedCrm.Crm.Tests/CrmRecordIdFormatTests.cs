using System.Text.Json;
using GovernedCrm.Crm.Schema;

namespace GovernedCrm.Crm.Tests;

public sealed class CrmRecordIdFormatTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("999999999999999999", true)]
    [InlineData("0", false)]
    [InlineData("0123", false)]
    [InlineData("1234567890123456789", false)]
    [InlineData("0015g00000AbCdEAAV", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Numeric_SameAsRecordIds(string? id, bool valid)
    {
        CrmRecordIdFormat.Numeric.IsWellFormed(id).Should().Be(valid);
        RecordIds.IsWellFormed(id).Should().Be(valid);
    }

    [Theory]
    [InlineData("0015g00000AbCdE", true)]
    [InlineData("0015g00000AbCdEAAV", true)]
    [InlineData("001000000000001", true)]
    [InlineData("0015g00000AbCd", false)]
    [InlineData("0015g00000AbCdEA", false)]
    [InlineData("0015g00000AbCdEAAVX", false)]
    [InlineData("0015g00000AbC'EAAV", false)]
    [InlineData("0015g00000AbC EAAV", false)]
    [InlineData("0015g00000AbCdÉAAV", false)]
    [InlineData("1042", false)]
    [InlineData(null, false)]
    public void Salesforce_FifteenOrEighteenAsciiLettersAndDigits(string? id, bool valid)
    {
        CrmRecordIdFormat.Salesforce.IsWellFormed(id).Should().Be(valid);
    }

    [Fact]
    public void Validate_Malformed_InvalidRecordIdNamingTheForm()
    {
        var act = () => CrmRecordIdFormat.Salesforce.Validate("1042' OR 1=1");

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.InvalidRecordId).WithMessage("*15 or 18 letters and digits*");
    }

    [Fact]
    public void ParseAll_SalesforceCompanyId_AcceptedOnlyWithTheSalesforceFormat()
    {
        var properties = new Dictionary<string, JsonElement> { ["companyId"] = JsonDocument.Parse("\"0015g00000AbCdEAAV\"").RootElement };

        CrmValueParser.ParseAll(CrmObjectType.Deal, properties, CrmRecordIdFormat.Salesforce)["companyId"].Should().Be("0015g00000AbCdEAAV");
        var numeric = () => CrmValueParser.ParseAll(CrmObjectType.Deal, properties);
        numeric.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.InvalidValue).WithMessage("*a company id (digits)*");
    }

    [Fact]
    public void ParseAll_DigitsCompanyId_RefusedWithTheSalesforceFormat()
    {
        var properties = new Dictionary<string, JsonElement> { ["companyId"] = JsonDocument.Parse("2001").RootElement };

        var act = () => CrmValueParser.ParseAll(CrmObjectType.Deal, properties, CrmRecordIdFormat.Salesforce);

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.InvalidValue).WithMessage("*15 or 18 letters and digits*");
    }

    [Fact]
    public async Task EmbeddedConnector_KeepsDigitIds()
    {
        await using var crm = await TempCrm.CreateAsync();

        ((ICrmConnector)crm.Connector).RecordIdFormat.Should().Be(CrmRecordIdFormat.Numeric);
        var act = () => crm.Connector.GetAsync(TempCrm.Alice, CrmObjectType.Company, "0015g00000AbCdEAAV", CancellationToken.None);
        (await act.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidRecordId);
        var write = () => crm.Connector.UpdateAsync(TempCrm.Alice, CrmObjectType.Deal, "3001", new Dictionary<string, object?> { ["companyId"] = "0015g00000AbCdEAAV" }, null, CancellationToken.None);
        (await write.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.InvalidRecordId);
    }
}
