namespace GovernedCrm.Server.Cli;

/// <summary>
/// The user a CLI verb acts as by name. <c>connect</c> connects <c>--as USER</c>, else <c>GOVERNEDCRM_USER</c>, else the
/// OS user (the user the stdio server acts as). The approvals verbs use <see cref="ShellUser"/>, which binds the decider
/// to the OS user. Roles and tenant come from the policy's user directory, as for a stdio caller.
/// </summary>
internal static class ActingUser
{
    public static string Name(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return option.Trim();
        }

        var configured = Environment.GetEnvironmentVariable(GovernedCrmServices.UserEnvironmentVariable);
        return string.IsNullOrWhiteSpace(configured) ? Environment.UserName : configured.Trim();
    }

    /// <summary>The user as the policy knows them, or null when the policy does not know them.</summary>
    public static CallerIdentity? Resolve(CompiledPolicy policy, string user) =>
        policy.ResolveCaller(new CallerIdentity(user, CallerIdentity.DefaultTenant, [], "local"));
}
