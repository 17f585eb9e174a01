using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Policy;

/// <summary>The policy's <c>cli_users</c> section: OS user name → policy user, and whom it may act for with --as.</summary>
public sealed class CliUsersPolicyTests
{
    private const string Header = """
        version: 1
        tenants: [default]
        roles: [rep, manager, admin]
        users:
          maria: { roles: [manager], tenant: default }
          adam:  { roles: [admin], tenant: default }
          ravi:  { roles: [rep], tenant: default }

        """;

    [Fact]
    public void NoSection_CliUsersIsNull_AndTheSummarySaysTheOsUserIsThePolicyUser()
    {
        var policy = Load(Header + "rules: []\n");

        policy.CliUsers.Should().BeNull();
        policy.Summarize().Should().Contain(l => l.StartsWith("cli_users: none", StringComparison.Ordinal));
    }

    [Fact]
    public void Section_MapsOsUsersAndActAs()
    {
        var policy = Load(Header + """
            cli_users:
              mgarcia: { user: maria }
              root: { user: adam, act_as: [maria, ravi] }
              ops: { user: adam, act_as: ["*"] }
            rules: []
            """);

        policy.CliUsers!["mgarcia"].User.Should().Be("maria");
        policy.CliUsers["mgarcia"].ActAs.Should().BeEmpty();
        policy.CliUsers["mgarcia"].MayActAs("maria").Should().BeTrue("one's own user needs no act_as");
        policy.CliUsers["mgarcia"].MayActAs("adam").Should().BeFalse();
        policy.CliUsers["root"].MayActAs("maria").Should().BeTrue();
        policy.CliUsers["root"].MayActAs("mallory").Should().BeFalse();
        policy.CliUsers["ops"].MayActAs("ravi").Should().BeTrue();
        policy.Summarize().Should().Contain(l => l.Contains("cli_users: 3", StringComparison.Ordinal) && l.Contains("root is adam, may act as maria, ravi", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cli_users: [root]", "cli_users must be a mapping")]
    [InlineData("cli_users:\n  root: { act_as: [maria] }", "needs user")]
    [InlineData("cli_users:\n  root: { user: mallory }", "names user 'mallory', which is not listed under users")]
    [InlineData("cli_users:\n  root: { user: adam, act_as: [mallory] }", "act_as of cli_users entry 'root' names 'mallory', which is not listed")]
    [InlineData("cli_users:\n  root: { user: adam, act_as: maria }", "must be a list")]
    [InlineData("cli_users:\n  root: { user: adam, can_act: true }", "unknown key 'can_act' in cli_users entry 'root'")]
    public void BadSection_IsReportedByPolicyCheck(string section, string message)
    {
        var result = PolicyLoader.Load(Header + section + "\nrules: []\n", "policy.yaml");

        result.Policy.Should().BeNull();
        result.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    private static CompiledPolicy Load(string yaml)
    {
        var result = PolicyLoader.Load(yaml, "policy.yaml");
        result.Errors.Should().BeEmpty();
        return result.Policy!;
    }
}
