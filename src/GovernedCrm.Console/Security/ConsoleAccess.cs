using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace GovernedCrm.AdminConsole.Security;

/// <summary>
/// What a console user may open, from the policy in force: the approvals inbox for those the policy shows
/// Approvals.ListPending (the same tool visibility an MCP client's tool list has), deciding for those it shows
/// Approvals.Decide, and, per proposal, the decider rules of the approval service (separation of duties); the audit
/// browser for those the host's audit reader lets read the trail, and one-click verification for those it lets verify
/// (admins and auditors: the rule the CLI's audit verbs and the audit tools follow).
/// </summary>
/// <param name="policy">The policy in force.</param>
/// <param name="catalog">The governed tools.</param>
/// <param name="mcpOptions">The MCP server options: building them registers the governed tools in the catalog.</param>
/// <param name="audit">The host's audit reader, if it serves one.</param>
/// <param name="integrity">The host's chain checks, if it serves them.</param>
public sealed class ConsoleAccess(
    IGovernancePolicy policy, GovernedToolCatalog catalog, IOptions<McpServerOptions> mcpOptions, Trail.IAuditBrowser? audit = null, Trail.IChainIntegrity? integrity = null)
{
    /// <summary>The tool whose visibility opens the inbox.</summary>
    public const string ListTool = "Approvals.ListPending";

    /// <summary>The tool whose visibility allows deciding.</summary>
    public const string DecideTool = "Approvals.Decide";

    /// <summary>True when the policy gives <paramref name="caller"/> the approvals inbox.</summary>
    /// <param name="caller">The console user.</param>
    /// <returns>Whether the inbox is theirs.</returns>
    public bool HasInbox(CallerIdentity caller) => IsVisible(ListTool, caller);

    /// <summary>True when <paramref name="caller"/> may open the audit browser and record timelines.</summary>
    /// <param name="caller">The console user.</param>
    /// <returns>Whether the audit trail is theirs to read.</returns>
    public bool HasAuditTrail(CallerIdentity caller) => audit?.MayRead(caller) == true;

    /// <summary>True when <paramref name="caller"/> may verify their tenant's chain.</summary>
    /// <param name="caller">The console user.</param>
    /// <returns>Whether verification is theirs.</returns>
    public bool MayVerify(CallerIdentity caller) => integrity?.MayVerify(caller) == true;

    /// <summary>True when <paramref name="caller"/> may decide <paramref name="request"/>: what the approval service will check, shown before it does.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="request">A proposal of their tenant.</param>
    /// <returns>Whether to offer the decision.</returns>
    public bool MayDecide(CallerIdentity caller, ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!IsVisible(DecideTool, caller) || request.Status != ApprovalStatus.Pending)
        {
            return false;
        }

        var isRequester = string.Equals(caller.UserId, request.Requester, StringComparison.Ordinal);
        return request.Route == ApprovalRoute.Role
            ? !isRequester && request.ApproverRole is not null && caller.Roles.Contains(request.ApproverRole, StringComparer.Ordinal)
            : isRequester;
    }

    private bool IsVisible(string tool, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        _ = mcpOptions.Value;
        return catalog.TryGetGoverned(tool, out var descriptor)
            && (policy is not IToolVisibilityPolicy visibility || visibility.IsVisible(descriptor, caller));
    }
}
