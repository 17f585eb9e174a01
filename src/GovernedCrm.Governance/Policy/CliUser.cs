namespace GovernedCrm.Governance.Policy;

/// <summary>
/// One entry of the policy's <c>cli_users</c> section: which policy user an operating-system account is when it runs
/// the approvals CLI, and for which users (if any) it may decide with <c>--as</c>.
/// </summary>
/// <param name="OsUser">The operating-system user name, as the CLI reads it from the OS.</param>
/// <param name="User">The policy user (listed under <c>users</c>) the OS user is.</param>
/// <param name="ActAs">The policy users it may act for with <c>--as</c>; <see cref="AnyUser"/> for every listed user; empty for none.</param>
public sealed record CliUser(string OsUser, string User, IReadOnlyList<string> ActAs)
{
    /// <summary>The <c>act_as</c> entry that stands for every user listed under <c>users</c>.</summary>
    public const string AnyUser = "*";

    /// <summary>True when this OS user may act as <paramref name="user"/> (a listed user the caller checks separately).</summary>
    /// <param name="user">The policy user asked for with <c>--as</c>.</param>
    /// <returns>Whether <c>act_as</c> names the user or is <c>"*"</c>.</returns>
    public bool MayActAs(string user) =>
        string.Equals(user, User, StringComparison.Ordinal) || ActAs.Any(a => a == AnyUser || string.Equals(a, user, StringComparison.Ordinal));
}
