using GovernedCrm.AdminConsole.Security;
using GovernedCrm.Governance.Identity;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// The console's sections, in the order of the navigation bar: each is listed only for the users the policy gives it
/// to, and only once it exists. A new section (the audit browser, verification) is one more entry here.
/// </summary>
public static class ConsoleNavigation
{
    /// <summary>The approvals inbox.</summary>
    public const string ApprovalsPath = ConsoleOptions.BasePath + "/approvals";

    /// <summary>The sections <paramref name="caller"/> may open.</summary>
    /// <param name="caller">The signed-in user.</param>
    /// <param name="access">The policy's answers.</param>
    /// <returns>Title and path of each section.</returns>
    public static IReadOnlyList<(string Title, string Path)> For(CallerIdentity caller, ConsoleAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var sections = new List<(string, string)>();
        if (access.HasInbox(caller))
        {
            sections.Add(("Approvals", ApprovalsPath));
        }

        return sections;
    }
}
