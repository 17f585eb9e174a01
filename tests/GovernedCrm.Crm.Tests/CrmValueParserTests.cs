using System.Text.Json;
using GovernedCrm.Crm.Schema;

namespace GovernedCrm.Crm.Tests;

public sealed class CrmValueParserTests
{
    [Theory]
    [InlineData("75000", 75000)]
    [InlineData("\"75000\"", 75000)]
    [InlineData("1234.5", 1234.5)]
    [InlineData("0", 0)]
    public void Parse_Amount_Decimal(string json, double expected)
    {
        Parse(CrmObjectType.Deal, "amount", json).Should().Be((decimal)expected);
    }

    [Theory]
    [InlineData("\"abc\"", "must be a decimal number")]
    [InlineData("true", "must be a decimal number")]
    [InlineData("-5", "outside 0 to")]
    [InlineData("1e15", "outside 0 to")]
    [InlineData("1.001", "more than 2 decimal places")]
    public void Parse_BadAmount_InvalidValue(string json, string expected)
    {
        var act = () => Parse(CrmObjectType.Deal, "amount", json);

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.InvalidValue).WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("Ada.Lovelace+crm@mail.example.co.uk")]
    public void Parse_ValidEmail_Lowercased(string email)
    {
        Parse(CrmObjectType.Contact, "email", JsonSerializer.Serialize(email)).Should().Be(email.ToLowerInvariant());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("a@@example.com")]
    [InlineData("@example.com")]
    [InlineData("ada@example.com\nBcc: x@y.com")]
    public void Parse_InvalidEmail_InvalidValue(string email)
    {
        var act = () => Parse(CrmObjectType.Contact, "email", JsonSerializer.Serialize(email));

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.InvalidValue);
    }

    [Fact]
    public void Parse_DealStageNotInPipeline_ListsStages()
    {
        var act = () => Parse(CrmObjectType.Deal, "dealstage", "\"won\"");

        act.Should().Throw<CrmException>().WithMessage("*'won'*appointmentscheduled*closedwon*closedlost*");
    }

    [Theory]
    [InlineData("\"2026-13-01\"")]
    [InlineData("\"01/02/2026\"")]
    [InlineData("20260101")]
    public void Parse_BadDate_InvalidValue(string json)
    {
        var act = () => Parse(CrmObjectType.Deal, "closedate", json);

        act.Should().Throw<CrmException>().WithMessage("*yyyy-MM-dd*");
    }

    [Fact]
    public void Parse_TextLongerThanProperty_InvalidValue()
    {
        var act = () => Parse(CrmObjectType.Deal, "dealname", JsonSerializer.Serialize(new string('d', 257)));

        act.Should().Throw<CrmException>().WithMessage("*too long*257*256*");
    }

    [Fact]
    public void ParseAll_UnknownProperty_ListsValidProperties()
    {
        var act = () => CrmValueParser.ParseAll(CrmObjectType.Contact, Json("""{"shoe_size":42}"""));

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.UnknownProperty)
            .WithMessage("Unknown property 'shoe_size' for contact. Valid properties: email, firstname, lastname, phone, company, jobtitle, lifecyclestage, owner.");
    }

    [Fact]
    public void ParseAll_Empty_MissingProperty()
    {
        var act = () => CrmValueParser.ParseAll(CrmObjectType.Deal, Json("{}"));

        act.Should().Throw<CrmException>().Where(e => e.Code == CrmErrorCodes.MissingProperty);
    }

    [Fact]
    public void ParseAll_NullValue_ClearsProperty()
    {
        CrmValueParser.ParseAll(CrmObjectType.Contact, Json("""{"phone":null}"""))["phone"].Should().BeNull();
    }

    private static object? Parse(CrmObjectType type, string property, string json) =>
        CrmValueParser.Parse(CrmSchema.For(type).Get(property), JsonDocument.Parse(json).RootElement);

    private static Dictionary<string, JsonElement> Json(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
