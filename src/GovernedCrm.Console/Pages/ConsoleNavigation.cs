namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// The console's sections, in the order of the navigation bar: each is listed only for the users the policy gives it
/// to: the approvals inbox, the audit browser and verification.
/// </summary>
public static class ConsoleNavigation
{
    /// <summary>The approvals inbox.</summary>
    public const string ApprovalsPath = ConsoleOptions.BasePath + "/approvals";

    /// <summary>The audit browser (with the record timelines and entry pages under it).</summary>
    public const string AuditPath = ConsoleOptions.BasePath + "/audit";

    /// <summary>One-click verification of the chain.</summary>
    public const string VerifyPath = ConsoleOptions.BasePath + "/verify";

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

        if (access.HasAuditTrail(caller))
        {
            sections.Add(("Audit trail", AuditPath));
        }

        if (access.MayVerify(caller))
        {
            sections.Add(("Verify", VerifyPath));
        }

        return sections;
    }
}
