using GovernedCrm.Governance.Policy;
using GovernedCrm.Server.Cli;

namespace GovernedCrm.Server.Tests.Approvals;

/// <summary>Who an approvals verb runs as: the OS user through cli_users; --as or GOVERNEDCRM_USER only with act_as.</summary>
public sealed class ShellUserTests
{
    private static readonly CompiledPolicy Default = BuiltInPolicy.Load();

    private static readonly CompiledPolicy Mapped = Compile("""
        cli_users:
          mgarcia: { user: maria }
          root: { user: adam, act_as: [maria] }
        """);

    [Fact]
    public void NoCliUsers_TheOsUserIsThePolicyUser()
    {
        Resolve(Default, "maria", null, null).Caller.UserId.Should().Be("maria");
        Resolve(Default, "someone", null, null).Caller.Roles.Should().Equal("rep");
    }

    [Fact]
    public void NoCliUsers_AsOneself_Allowed_AsAnother_Denied()
    {
        Resolve(Default, "maria", "maria", null).Caller.UserId.Should().Be("maria");
        Refusal(Default, "ravi", "maria", null).Code.Should().Be(ShellUser.ActAsDenied);
        Refusal(Default, "ravi", null, "maria").Code.Should().Be(ShellUser.ActAsDenied);
    }

    [Fact]
    public void CliUsers_MapTheOsUser_AndRecordIt()
    {
        var user = Resolve(Mapped, "mgarcia", null, null);

        user.Caller.UserId.Should().Be("maria");
        user.Caller.Roles.Should().Equal("manager");
        user.OnBehalfOf.Should().Be("os:mgarcia");
    }

    [Fact]
    public void CliUsers_ActAsOnlyForListedUsers()
    {
        Resolve(Mapped, "root", "maria", null).Caller.UserId.Should().Be("maria");
        Refusal(Mapped, "root", "vera", null).Code.Should().Be(ShellUser.ActAsDenied);
        Refusal(Mapped, "mgarcia", "adam", null).Code.Should().Be(ShellUser.ActAsDenied);
    }

    [Fact]
    public void CliUsers_AnUnlistedOsUser_IsNobody()
    {
        var refusal = Refusal(Mapped, "maria", null, null);

        refusal.Code.Should().Be(PolicyDenialCodes.UnknownUser);
        refusal.Message.Should().Contain("not listed under cli_users");
    }

    private static ShellUser Resolve(CompiledPolicy policy, string osUser, string? asOption, string? environmentUser)
    {
        ShellUser.TryResolve(policy, osUser, asOption, environmentUser, out var user, out var code, out var message).Should().BeTrue($"{code}: {message}");
        return user!;
    }

    private static (string Code, string Message) Refusal(CompiledPolicy policy, string osUser, string? asOption, string? environmentUser)
    {
        ShellUser.TryResolve(policy, osUser, asOption, environmentUser, out _, out var code, out var message).Should().BeFalse();
        return (code, message);
    }

    private static CompiledPolicy Compile(string cliUsers)
    {
        var result = PolicyLoader.Load(BuiltInPolicy.Text().TrimEnd() + "\n\n" + cliUsers + "\n", "cli.yaml");
        result.Errors.Should().BeEmpty();
        return result.Policy!;
    }
}
