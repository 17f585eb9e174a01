using System.Globalization;
using System.Text.Json;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Tools;

namespace GovernedCrm.AdminConsole.Inbox;

/// <summary>
/// One proposal as the inbox shows it to one reader. Every value comes from <see cref="ProposalView"/>, the view
/// Approvals.ListPending and CRM.GetProposal give: redacted for the reader's field read rules (values and their
/// occurrences in the reason and note) and the tool's [Sensitive] arguments. Nothing here reads the proposal's raw JSON.
/// </summary>
public sealed class ProposalCard
{
    private static readonly HashSet<string> Shown = new(StringComparer.Ordinal) { "objectType", "recordId", "properties", "reason", "confidence" };

    private ProposalCard(ApprovalRequest request, ApprovalStatus status)
    {
        Request = request;
        Status = status;
    }

    /// <summary>The proposal (its identifying fields only are shown from it; values come from the redacted view).</summary>
    public ApprovalRequest Request { get; }

    /// <summary>The status as of now: a pending proposal past its expiry shows as expired.</summary>
    public ApprovalStatus Status { get; }

    /// <summary>The approval id.</summary>
    public string Id => Request.Id;

    /// <summary>The property changes, before → after (and approved, after an edit).</summary>
    public IReadOnlyList<PropertyChange> Changes { get; private init; } = [];

    /// <summary>The other arguments of the call (a custom tool's), redacted, as JSON; null when there are none.</summary>
    public string? OtherArguments { get; private init; }

    /// <summary>The agent's reason, redacted.</summary>
    public string? Reason { get; private init; }

    /// <summary>The decider's note, redacted.</summary>
    public string? DecisionNote { get; private init; }

    /// <summary>The outcome's error code when execution failed or went stale.</summary>
    public string? ResultCode { get; private init; }

    /// <summary>True when the reader may decide it now.</summary>
    public bool MayDecide { get; private init; }

    /// <summary>True when the reader proposed it.</summary>
    public bool IsOwn { get; private init; }

    /// <summary>The record it targets, e.g. "deal 3017".</summary>
    public string Target => Request.ObjectType is null && Request.RecordId is null ? "-" : $"{Request.ObjectType} {Request.RecordId}".Trim();

    /// <summary>Who must decide it.</summary>
    public string Approver => Request.Route == ApprovalRoute.Role ? $"a {Request.ApproverRole} who is not the requester" : "the requester (confirmation)";

    /// <summary>The agent's confidence as a percentage, or null.</summary>
    public string? Confidence => Request.Confidence is { } c ? (c * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : null;

    /// <summary>The properties the reader may edit before approving: the proposed ones they may read.</summary>
    public IEnumerable<PropertyChange> Editable => Changes.Where(c => c.Proposed is not null && !c.IsRedacted);

    /// <summary>Builds the card for <paramref name="reader"/>.</summary>
    /// <param name="request">The proposal.</param>
    /// <param name="reader">Who reads it.</param>
    /// <param name="view">The proposal view of the MCP tools.</param>
    /// <param name="mayDecide">Whether the reader may decide it.</param>
    /// <param name="now">The time now (for expiry).</param>
    /// <returns>The card.</returns>
    public static ProposalCard For(ApprovalRequest request, CallerIdentity reader, ProposalView view, bool mayDecide, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(view);
        var status = request.Status == ApprovalStatus.Pending && now >= request.ExpiresAt ? ApprovalStatus.Expired : request.Status;
        var described = view.Describe(request, reader);
        var others = described["arguments"] is JsonObject arguments
            ? new JsonObject(arguments.Where(p => !Shown.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))
            : null;
        return new ProposalCard(request, status)
        {
            Changes = PropertyChange.From(described["before"] as JsonObject, described["proposed"] as JsonObject, described["approvedArguments"] is null ? null : described["approved"] as JsonObject ?? []),
            OtherArguments = others is { Count: > 0 } ? others.ToJsonString() : null,
            Reason = described["reason"]?.GetValue<string>(),
            DecisionNote = described["decisionNote"]?.GetValue<string>(),
            ResultCode = (described["result"] as JsonObject)?["error"]?["code"]?.GetValue<string>(),
            MayDecide = mayDecide && status == ApprovalStatus.Pending,
            IsOwn = string.Equals(reader.UserId, request.Requester, StringComparison.Ordinal),
        };
    }

    /// <summary>How long until it expires, e.g. "23 h 59 min left".</summary>
    /// <param name="now">The time now.</param>
    /// <returns>The text.</returns>
    public string TimeLeft(DateTimeOffset now)
    {
        var left = Request.ExpiresAt - now;
        return left <= TimeSpan.Zero ? "expired"
            : left.TotalHours >= 1 ? $"{(int)left.TotalHours} h {left.Minutes} min left"
            : left.TotalMinutes >= 1 ? $"{(int)left.TotalMinutes} min left"
            : "less than a minute left";
    }

    /// <summary>A time as the console shows it (UTC).</summary>
    /// <param name="time">The time.</param>
    /// <returns>"2026-05-01 14:03 UTC".</returns>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The status's name, lowercase.</summary>
    public string StatusName => Status.ToName();
}

/// <summary>One property of a proposal: its value before, the proposed value, and the approved one after an edit.</summary>
/// <param name="Property">The property.</param>
/// <param name="Before">The value before (redacted), or null when the proposal has none.</param>
/// <param name="Proposed">The proposed value (redacted), or null.</param>
/// <param name="Approved">The approved value after an edit, or null when not edited.</param>
public sealed record PropertyChange(string Property, JsonNode? Before, JsonNode? Proposed, JsonNode? Approved)
{
    /// <summary>True when the reader may not read this property's values.</summary>
    public bool IsRedacted => Text(Proposed) == FieldRedaction.Redacted || Text(Before) == FieldRedaction.Redacted;

    /// <summary>True when the proposed value is a number (an edit is read as a number too).</summary>
    public bool IsNumber => Proposed is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    /// <summary>A value as text: a string as is, anything else as JSON, nothing as an em dash.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Text(JsonNode? value) => value switch
    {
        null => "—",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>The changes of a redacted view: every proposed (and approved) property, with its value before.</summary>
    /// <param name="before">The values before.</param>
    /// <param name="proposed">The proposed values.</param>
    /// <param name="approved">The approved values after an edit, or null.</param>
    /// <returns>The changes, in the proposal's order.</returns>
    public static IReadOnlyList<PropertyChange> From(JsonObject? before, JsonObject? proposed, JsonObject? approved)
    {
        proposed ??= [];
        var names = proposed.Select(p => p.Key).Concat(approved?.Select(p => p.Key) ?? []).Distinct(StringComparer.Ordinal);
        return [.. names.Select(name => new PropertyChange(
            name,
            before?[name],
            proposed.TryGetPropertyValue(name, out var p) ? p : null,
            approved is not null && approved.TryGetPropertyValue(name, out var a) ? a : null))];
    }

    /// <summary>
    /// The value an approver typed, as JSON of the proposed value's kind: a number stays a number when the text is one,
    /// true/false stay booleans; anything else is text.
    /// </summary>
    /// <param name="typed">What was typed.</param>
    /// <returns>The value.</returns>
    public JsonNode Parse(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var text = typed.Trim();
        if (IsNumber && decimal.TryParse(text, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        if (Proposed is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False && bool.TryParse(text, out var flag))
        {
            return JsonValue.Create(flag);
        }

        return JsonValue.Create(typed);
    }
}
