using GovernedCrm.Audit.Records;
using GovernedCrm.AdminConsole.Inbox;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Tools;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// The approvals inbox: the pending proposals of the user's tenant (newest first) and, in a second tab, the decided and
/// expired ones. Every decision goes through the approval service, exactly as <c>Approvals.Decide</c> and the approvals
/// CLI take it (tenant, separation of duties, expiry, reason, edits re-checked by the policy as the requester, one bulk
/// id for a selection); an approved proposal then runs through the one dispatcher every approval runs through.
/// </summary>
/// <param name="approvals">The approval service.</param>
/// <param name="dispatcher">Runs approved proposals through the governance pipeline.</param>
/// <param name="access">The policy's answers.</param>
/// <param name="view">The proposal view of the MCP tools (redaction).</param>
/// <param name="time">The clock.</param>
public sealed class ApprovalsModel(ApprovalService approvals, ApprovedProposalDispatcher dispatcher, ConsoleAccess access, ProposalView view, TimeProvider time)
    : ConsolePageModel
{
    private const int Limit = 200;

    /// <summary>The tab shown: <c>pending</c> or <c>decided</c>.</summary>
    public string Tab { get; private set; } = "pending";

    /// <summary>The proposals of the tab.</summary>
    public IReadOnlyList<ProposalCard> Cards { get; private set; } = [];

    /// <summary>How many are pending (for the tab's label).</summary>
    public int PendingCount { get; private set; }

    /// <summary>True when at least one card may be decided (the bulk bar is shown).</summary>
    public bool AnyDecidable => Cards.Any(c => c.MayDecide);

    /// <summary>The time the page was made.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>What the last decision did, one line each.</summary>
    public IReadOnlyList<Notice> Notices { get; private set; } = [];

    /// <summary>Shows a tab.</summary>
    /// <param name="tab"><c>decided</c> for the decided and expired proposals; anything else for the pending ones.</param>
    /// <returns>The page, or 403 for a user the policy gives no inbox.</returns>
    public async Task<IActionResult> OnGetAsync(string? tab)
    {
        if (!access.HasInbox(Caller))
        {
            return Forbidden();
        }

        return await ShowAsync(tab).ConfigureAwait(false);
    }

    /// <summary>Approves one proposal as proposed.</summary>
    /// <param name="id">The approval id.</param>
    /// <returns>The page with the outcome.</returns>
    public Task<IActionResult> OnPostApproveAsync(string id) =>
        DecideAsync([id], approve: true, edit: null, reason: null);

    /// <summary>Rejects one proposal; a reason is required.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The page with the outcome.</returns>
    public Task<IActionResult> OnPostRejectAsync(string id, string? reason) =>
        DecideAsync([id], approve: false, edit: null, reason);

    /// <summary>Approves one proposal with the values the approver typed (only the changed ones are an edit).</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="values">The typed values by property.</param>
    /// <returns>The page with the outcome.</returns>
    public async Task<IActionResult> OnPostEditAsync(string id, Dictionary<string, string>? values)
    {
        if (!access.HasInbox(Caller))
        {
            return Forbidden();
        }

        var request = await approvals.FindAsync(id, Caller, HttpContext.RequestAborted).ConfigureAwait(false);
        string? edit = null;
        if (request is not null && values is { Count: > 0 })
        {
            var card = ProposalCard.For(request, Caller, view, mayDecide: false, time.GetUtcNow());
            var changed = new JsonObject();
            foreach (var property in card.Editable)
            {
                if (values.TryGetValue(property.Property, out var typed) && typed != PropertyChange.Text(property.Proposed))
                {
                    changed[property.Property] = property.Parse(typed);
                }
            }

            edit = changed.Count > 0 ? changed.ToJsonString() : null;
        }

        return await DecideAsync([id], approve: true, edit, reason: null).ConfigureAwait(false);
    }

    /// <summary>Decides the selected proposals as one bulk decision (all or nothing).</summary>
    /// <param name="ids">The selected approval ids.</param>
    /// <param name="verdict"><c>approve</c> or <c>reject</c>.</param>
    /// <param name="reason">Why (required to reject).</param>
    /// <returns>The page with the outcome.</returns>
    public Task<IActionResult> OnPostBulkAsync(string[]? ids, string? verdict, string? reason)
    {
        if (ids is not { Length: > 0 })
        {
            Notices = [new Notice(false, "Select at least one proposal.")];
            return access.HasInbox(Caller) ? ShowAsync(null) : Task.FromResult<IActionResult>(Forbidden());
        }

        return DecideAsync(ids, approve: verdict == "approve", edit: null, reason);
    }

    private async Task<IActionResult> DecideAsync(string[] ids, bool approve, string? edit, string? reason)
    {
        if (!access.HasInbox(Caller))
        {
            return Forbidden();
        }

        var cancellationToken = HttpContext.RequestAborted;
        var notices = new List<Notice>();
        try
        {
            IReadOnlyList<ApprovalResult> results = ids.Length == 1
                ? [await approvals.DecideAsync(new ApprovalDecision(ids[0], Caller, approve, edit, reason, null) { OnBehalfOf = ConsoleAuditRecords.OnBehalfOf }, cancellationToken).ConfigureAwait(false)]
                : await approvals.DecideManyAsync(ids, Caller, approve, reason, cancellationToken, BulkMode.AllOrNothing, ConsoleAuditRecords.OnBehalfOf).ConfigureAwait(false);

            // Every decision is recorded before any approved proposal runs: a bulk decision is whole first.
            foreach (var result in results)
            {
                if (!result.Succeeded)
                {
                    notices.Add(new Notice(false, $"{result.Code}: {result.Message}"));
                    continue;
                }

                var decided = result.Request!;
                if (approve && await dispatcher.ExecuteAsync(decided.Id, CancellationToken.None).ConfigureAwait(false) is { } ran)
                {
                    decided = ran;
                }

                notices.Add(new Notice(true, Describe(decided, approve, edit is not null && result.Request!.ApprovedArgumentsJson is not null)));
            }

            if (results.Count > 1 && results.FirstOrDefault(r => r.Request?.BulkId is not null)?.Request?.BulkId is { } bulkId && results.All(r => r.Succeeded))
            {
                notices.Insert(0, new Notice(true, $"Bulk decision {bulkId}: {results.Count} {(approve ? "approved" : "rejected")}."));
            }
        }
        catch (AuditUnavailableException)
        {
            notices.Add(new Notice(false, "The audit trail cannot record the decision, so nothing was decided. Try again shortly."));
        }

        Notices = notices;
        if (notices.Any(n => !n.Ok))
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return await ShowAsync(null).ConfigureAwait(false);
    }

    private async Task<IActionResult> ShowAsync(string? tab)
    {
        Tab = tab == "decided" ? "decided" : "pending";
        Now = time.GetUtcNow();
        var all = await approvals.ListAsync(Caller, status: null, Limit, HttpContext.RequestAborted).ConfigureAwait(false);
        var cards = all.Select(r => ProposalCard.For(r, Caller, view, access.MayDecide(Caller, r), Now)).ToList();
        PendingCount = cards.Count(c => c.Status == ApprovalStatus.Pending);
        Cards = Tab == "pending"
            ? [.. cards.Where(c => c.Status == ApprovalStatus.Pending)]
            : [.. cards.Where(c => c.Status != ApprovalStatus.Pending).OrderByDescending(c => c.Request.DecidedAt ?? c.Request.ExpiresAt)];
        return Page();
    }

    private PageResult Forbidden()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Tab = "none";
        return Page();
    }

    private static string Describe(ApprovalRequest request, bool approve, bool edited)
    {
        var what = !approve ? "Rejected" : edited ? "Approved with your edits" : "Approved";
        var outcome = request.Status switch
        {
            ApprovalStatus.Executed => "; the change was made",
            ApprovalStatus.Failed => "; the change failed when it ran (see the Decided tab)",
            ApprovalStatus.Stale => "; the record changed since the proposal, so the change was not made",
            ApprovalStatus.Approved or ApprovalStatus.Executing => "; the server runs it shortly",
            _ => "",
        };
        return $"{what} {request.Id} ({request.Tool} {request.ObjectType} {request.RecordId}){outcome}.";
    }
}

/// <summary>One line about what a decision did.</summary>
/// <param name="Ok">True when it was done, false when refused.</param>
/// <param name="Text">The line.</param>
public sealed record Notice(bool Ok, string Text);
