using GovernedCrm.AdminConsole.Trail;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// The audit browser: the entries of the user's tenant's chain, newest first, filtered by record, actor, execution id,
/// event, tool and time range (a GET form: works without script), paged server-side with keyset cursors. Each entry
/// opens its decoded body; a record opens its timeline. Every value is redacted for the reader by the audit query
/// service, as for <c>audit search</c>.
/// </summary>
/// <param name="browser">The audit reader.</param>
/// <param name="access">The policy's answers.</param>
public sealed class AuditModel(IAuditBrowser browser, ConsoleAccess access) : ConsolePageModel
{
    /// <summary>The events the filter offers, as the audit answers spell them.</summary>
    public static readonly IReadOnlyList<string> Events =
        ["received", "denied", "proposed", "approval_requested", "approved", "rejected", "expired", "executed", "failed", "cancelled"];

    /// <summary>The record filter's object type.</summary>
    [BindProperty(SupportsGet = true, Name = "type")]
    public string? ObjectType { get; set; }

    /// <summary>The record filter's id.</summary>
    [BindProperty(SupportsGet = true, Name = "id")]
    public string? RecordId { get; set; }

    /// <summary>The actor filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    /// <summary>The execution id filter.</summary>
    [BindProperty(SupportsGet = true, Name = "execution")]
    public string? ExecutionId { get; set; }

    /// <summary>The event filter.</summary>
    [BindProperty(SupportsGet = true, Name = "event")]
    public string? Event { get; set; }

    /// <summary>The tool filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Tool { get; set; }

    /// <summary>The start of the time range (UTC).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Since { get; set; }

    /// <summary>The end of the time range (UTC).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Until { get; set; }

    /// <summary>This page's cursor.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    /// <summary>The cursors of the pages before.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Back { get; set; }

    /// <summary>False when the policy gives the user no audit trail (the page says so).</summary>
    public bool Allowed { get; private set; } = true;

    /// <summary>The chain shown (the user's tenant).</summary>
    public string? Chain { get; private set; }

    /// <summary>The entries of the page.</summary>
    public IReadOnlyList<JsonObject> Entries { get; private set; } = [];

    /// <summary>Why the search was refused, if it was.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The next page's link, if there is one.</summary>
    public string? NextLink { get; private set; }

    /// <summary>The previous page's link, if there is one.</summary>
    public string? PreviousLink { get; private set; }

    /// <summary>True when some filter is set.</summary>
    public bool Filtered { get; private set; }

    /// <summary>Shows a page of entries.</summary>
    /// <returns>The page, or 403 for a user the policy gives no audit trail.</returns>
    public async Task<IActionResult> OnGetAsync()
    {
        if (!access.HasAuditTrail(Caller))
        {
            Allowed = false;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        Chain = Caller.Tenant;
        if (!AuditFilter.TryParseTime(Since, out var since) || !AuditFilter.TryParseTime(Until, out var until))
        {
            return Refuse("audit.invalid_query: a time is not a date and time (yyyy-mm-dd hh:mm, UTC).");
        }

        var filter = new AuditFilter
        {
            ObjectType = Blank(ObjectType),
            RecordId = Blank(RecordId),
            Actor = Blank(Actor),
            ExecutionId = Blank(ExecutionId),
            Event = Blank(Event),
            Tool = Blank(Tool),
            Since = since,
            Until = until,
        };
        Filtered = !filter.IsEmpty;
        var trail = PageTrail.From(Cursor, Back);
        var answer = await browser.SearchAsync(Caller, filter, trail.Cursor, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return Refuse($"{answer.Code}: {answer.Message}");
        }

        Entries = [.. AuditJson.Objects(answer.Body, "entries")];
        if (AuditJson.Text(answer.Body, "nextCursor") is { } next)
        {
            var (cursor, back) = trail.Next(next);
            NextLink = Link(cursor, back);
        }

        if (trail.HasPrevious)
        {
            var (cursor, back) = trail.Previous();
            PreviousLink = Link(cursor, back);
        }

        return Page();
    }

    /// <summary>The timeline page of a record.</summary>
    /// <param name="objectType">Its object type.</param>
    /// <param name="recordId">Its id.</param>
    /// <returns>The path.</returns>
    public static string TimelinePath(string objectType, string recordId) =>
        $"{ConsoleNavigation.AuditPath}/record/{Uri.EscapeDataString(objectType)}/{Uri.EscapeDataString(recordId)}";

    /// <summary>The page of an entry.</summary>
    /// <param name="sequence">Its position.</param>
    /// <returns>The path.</returns>
    public static string EntryPath(string? sequence) => $"{ConsoleNavigation.AuditPath}/entry/{sequence}";

    private PageResult Refuse(string refusal)
    {
        Refusal = refusal;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private string Link(string? cursor, string? back)
    {
        var query = new Dictionary<string, string?>
        {
            ["type"] = Blank(ObjectType),
            ["id"] = Blank(RecordId),
            ["actor"] = Blank(Actor),
            ["execution"] = Blank(ExecutionId),
            ["event"] = Blank(Event),
            ["tool"] = Blank(Tool),
            ["since"] = Blank(Since),
            ["until"] = Blank(Until),
            ["cursor"] = cursor,
            ["back"] = back,
        };
        return QueryHelpers.AddQueryString(ConsoleNavigation.AuditPath, query.Where(p => p.Value is not null));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
