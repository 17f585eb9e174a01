using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Governance.Tests.Approvals;

public sealed class ApprovalTtlTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData(" 2H ", 2 * 3600)]
    [InlineData("365d", 365 * 86400)]
    public void Parse_Valid_IsThatLong(string text, int seconds)
    {
        ApprovalTtl.Parse(text).Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("24")]
    [InlineData("0h")]
    [InlineData("-1h")]
    [InlineData("+1h")]
    [InlineData("1.5h")]
    [InlineData("1w")]
    [InlineData("one day")]
    [InlineData("366d")]
    [InlineData("99999999999999999999d")]
    public void Parse_Invalid_FormatExceptionNamingTheVariableAndTheValidForm(string text)
    {
        var parse = () => ApprovalTtl.Parse(text);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain("GOVERNEDCRM_APPROVAL_TTL");
    }

    [Fact]
    public void Parse_NotAWholeNumber_MessageGivesExamples()
    {
        ApprovalTtl.TryParse("soon", out _, out var error).Should().BeFalse();

        error.Should().Contain("30m").And.Contain("24h").And.Contain("7d").And.Contain("'soon'");
    }

    [Fact]
    public void ApprovalOptions_DefaultAndFromTtl()
    {
        new ApprovalOptions().Expiry.Should().Be(TimeSpan.FromHours(24));
        ApprovalOptions.FromTtl(null).Expiry.Should().Be(TimeSpan.FromHours(24));
        ApprovalOptions.FromTtl("  ").Expiry.Should().Be(TimeSpan.FromHours(24));
        ApprovalOptions.FromTtl("30m").Expiry.Should().Be(TimeSpan.FromMinutes(30));
        var bad = () => ApprovalOptions.FromTtl("forever");
        bad.Should().Throw<FormatException>();
    }
}
