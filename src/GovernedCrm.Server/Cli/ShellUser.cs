namespace GovernedCrm.Server.Cli;

/// <summary>
/// Who runs an approvals verb from the shell. The identity is the OS user (the process's effective user: running the
/// CLI cannot choose it), mapped through the policy's <c>cli_users</c> section; without that section the OS user name
/// is the policy user, as before. Asking for another user (<c>--as USER</c>, or <c>GOVERNEDCRM_USER</c>, which anyone
/// running the CLI can set just as easily) is allowed only when the OS user's <c>cli_users</c> entry lists that user
/// under <c>act_as</c>; otherwise it is refused with <see cref="ActAsDenied"/>. A decision records both: the decider
/// as approver and <see cref="OnBehalfOf"/> (<c>os:NAME</c>) for the OS user who carried it.
/// </summary>
/// <param name="Caller">The deciding (or viewing) user, with roles and tenant from the policy.</param>
/// <param name="OsUser">The OS user who ran the CLI.</param>
internal sealed record ShellUser(CallerIdentity Caller, string OsUser)
{
    /// <summary>The refusal of <c>--as</c> (or <c>GOVERNEDCRM_USER</c>) naming a user the OS user may not act for.</summary>
    public const string ActAsDenied = "cli.act_as_denied";

    /// <summary>What the decision's audit entry records as <c>onBehalfOf</c>: the OS user who ran the CLI.</summary>
    public string OnBehalfOf => "os:" + OsUser;

    /// <summary>The OS user running this process (from the OS's user database for the effective user id on Unix).</summary>
    public static string CurrentOsUser() => Environment.UserName;

    /// <summary>Resolves who the shell user is and acts as.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="osUser">The OS user running the CLI.</param>
    /// <param name="asOption">The <c>--as</c> value, if given.</param>
    /// <param name="environmentUser">The <c>GOVERNEDCRM_USER</c> value, if set.</param>
    /// <param name="user">The user, when allowed.</param>
    /// <param name="code">The refusal's stable code, when refused.</param>
    /// <param name="message">The refusal's message, when refused.</param>
    /// <returns>True when allowed.</returns>
    public static bool TryResolve(
        CompiledPolicy policy, string osUser, string? asOption, string? environmentUser, out ShellUser? user, out string code, out string message)
    {
        user = null;
        code = message = string.Empty;
        var (requested, source) = !string.IsNullOrWhiteSpace(asOption) ? (asOption.Trim(), "--as")
            : !string.IsNullOrWhiteSpace(environmentUser) ? (environmentUser.Trim(), "$" + GovernedCrmServices.UserEnvironmentVariable)
            : ((string?)null, string.Empty);

        CliUser? entry = null;
        var own = osUser;
        if (policy.CliUsers is { } cliUsers)
        {
            if (!cliUsers.TryGetValue(osUser, out entry))
            {
                code = PolicyDenialCodes.UnknownUser;
                message = $"the OS user '{osUser}' is not listed under cli_users in the policy ({policy.SourceName}); map it to a policy user there.";
                return false;
            }

            own = entry.User;
        }

        var target = own;
        if (requested is not null && !string.Equals(requested, own, StringComparison.Ordinal))
        {
            if (entry is null || !entry.MayActAs(requested))
            {
                code = ActAsDenied;
                message = $"the OS user '{osUser}' (policy user '{own}') may not act as '{requested}' ({source}); " +
                    $"only an OS user whose cli_users entry lists '{requested}' under act_as may.";
                return false;
            }

            if (!policy.IsListedUser(requested))
            {
                code = PolicyDenialCodes.UnknownUser;
                message = $"'{requested}' ({source}) is not listed under users in the policy ({policy.SourceName}).";
                return false;
            }

            target = requested;
        }

        if (ActingUser.Resolve(policy, target) is not { } caller)
        {
            code = PolicyDenialCodes.UnknownUser;
            message = $"'{target}' is not a user of the policy ({policy.SourceName}); list the OS user under users, or map it under cli_users.";
            return false;
        }

        user = new ShellUser(caller, osUser);
        return true;
    }
}
