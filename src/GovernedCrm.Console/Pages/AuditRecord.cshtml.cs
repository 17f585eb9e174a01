using GovernedCrm.AdminConsole.Trail;
using Microsoft.AspNetCore.WebUtilities;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// A record's history as a timeline, oldest first: every proposal, approval request, decision and change, with the
/// field-level before → after, who asked and who decided, as <c>Audit.RecordHistory</c> and <c>audit history</c> give
/// it (the user's tenant's chain, redacted for the reader).
/// </summary>
/// <param name="browser">The audit reader.</param>
/// <param name="access">The policy's answers.</param>
public sealed class AuditRecordModel(IAuditBrowser browser, ConsoleAccess access) : ConsolePageModel
{
    /// <summary>False when the policy gives the user no audit trail.</summary>
    public bool Allowed { get; private set; } = true;

    /// <summary>The record's object type.</summary>
    public string ObjectType { get; private set; } = "";

    /// <summary>The record id.</summary>
    public string RecordId { get; private set; } = "";

    /// <summary>The events of the page.</summary>
    public IReadOnlyList<JsonObject> Events { get; private set; } = [];

    /// <summary>Why the history was refused, if it was.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The next page's link, if there is one.</summary>
    public string? NextLink { get; private set; }

    /// <summary>The previous page's link, if there is one.</summary>
    public string? PreviousLink { get; private set; }

    /// <summary>Shows a page of the timeline.</summary>
    /// <param name="type">The object type.</param>
    /// <param name="id">The record id.</param>
    /// <param name="cursor">This page's cursor.</param>
    /// <param name="back">The cursors of the pages before.</param>
    /// <returns>The page.</returns>
    public async Task<IActionResult> OnGetAsync(string type, string id, string? cursor, string? back)
    {
        ObjectType = type;
        RecordId = id;
        if (!access.HasAuditTrail(Caller))
        {
            Allowed = false;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        var trail = PageTrail.From(cursor, back);
        var answer = await browser.HistoryAsync(Caller, type, id, trail.Cursor, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            Refusal = $"{answer.Code}: {answer.Message}";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Events = [.. AuditJson.Objects(answer.Body, "events")];
        var path = AuditModel.TimelinePath(type, id);
        if (AuditJson.Text(answer.Body, "nextCursor") is { } next)
        {
            var (c, b) = trail.Next(next);
            NextLink = QueryHelpers.AddQueryString(path, new Dictionary<string, string?> { ["cursor"] = c, ["back"] = b });
        }

        if (trail.HasPrevious)
        {
            var (c, b) = trail.Previous();
            PreviousLink = QueryHelpers.AddQueryString(path, new Dictionary<string, string?> { ["cursor"] = c, ["back"] = b }.Where(p => p.Value is not null));
        }

        return Page();
    }

    /// <summary>An agent's confidence as a percentage (as the inbox shows it), or the text as it is.</summary>
    /// <param name="confidence">The confidence, 0 to 1.</param>
    /// <returns>The text.</returns>
    public static string Percent(string confidence) =>
        double.TryParse(confidence, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal)
            : confidence;

    /// <summary>The timeline's heading for an event.</summary>
    /// <param name="item">The event.</param>
    /// <returns>A few words.</returns>
    public static string Title(JsonObject item) => AuditJson.Text(item, "event") switch
    {
        "proposed" => "Change proposed",
        "approval_requested" => "Approval requested",
        "approved" => "Approved",
        "rejected" => "Rejected",
        "expired" => "Proposal expired",
        "executed" => "Change made",
        "failed" => "Change failed",
        "denied" => "Refused by the policy",
        "cancelled" => "Cancelled",
        var other => other ?? "Event",
    };
}
