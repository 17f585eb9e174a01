using GovernedCrm.Audit.Records;
using System.Globalization;
using System.Text.Json.Nodes;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Queries;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Hosting;

/// <summary>
/// Audit search and record history for one caller, the same for the CLI (<c>audit search</c>, <c>audit history</c>),
/// the MCP tool <c>Audit.RecordHistory</c> and the console: the chain is the caller's tenant's unless the policy gives
/// them every chain (<see cref="AuditScope"/>; an out-of-scope chain is refused alike whether it exists or not), and
/// every value in the answer is redacted for the caller (<see cref="FieldRedaction.UnreadableFields"/> through
/// <see cref="AuditRecordRedaction"/>). Whether the caller may use the audit tools at all is the policy's decision
/// (the MCP pipeline; <see cref="MayRead"/> for the CLI).
/// </summary>
/// <param name="databasePath">The audit database.</param>
/// <param name="policy">The policy in force: field read rules, audit scope, and who the audit tools are for.</param>
/// <param name="readTools">The tools that only read (their entries are not part of a record's history).</param>
internal sealed class AuditQueryService(string databasePath, IGovernancePolicy policy, IReadOnlySet<string> readTools)
{
    /// <summary>The code of a malformed query (bad cursor, limit, event, time range, half a record filter).</summary>
    public const string InvalidQueryCode = "audit.invalid_query";

    /// <summary>The tool whose grant covers audit search and history on the CLI.</summary>
    public const string ReadTool = "Audit.RecordHistory";

    /// <summary>The code of a request for an entry the caller's chain does not hold (or that does not decode).</summary>
    public const string NotFoundCode = "audit.not_found";

    private readonly AuditQueries _queries = new(databasePath);

    /// <summary>The service over a server's or data folder's audit database, with the server's tool catalog.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="policy">The policy in force.</param>
    /// <returns>The service.</returns>
    public static AuditQueryService For(string databasePath, IGovernancePolicy policy) =>
        new(databasePath, policy, ServerTools.Catalog().Governed.Where(t => !t.IsWrite).Select(t => t.ToolName).ToHashSet(StringComparer.Ordinal));

    /// <summary>Whether the caller may read the audit trail at all: an admin, or a role an allow rule names <see cref="ReadTool"/> for.</summary>
    /// <param name="caller">The caller, as the policy resolved them.</param>
    /// <returns>True when they may.</returns>
    public bool MayRead(CallerIdentity caller) => MayUse(policy, caller, ReadTool);

    /// <summary>Whether the caller may use the audit tool <paramref name="tool"/> at all: an admin, or a role an allow rule names it for.</summary>
    /// <param name="policy">The policy in force.</param>
    /// <param name="caller">The caller, as the policy resolved them.</param>
    /// <param name="tool">The audit tool (<c>Audit.RecordHistory</c>, <c>Audit.VerifyChain</c>).</param>
    /// <returns>True when they may.</returns>
    public static bool MayUse(IGovernancePolicy policy, CallerIdentity caller, string tool) => policy is AdminToolsPolicy admin
        ? admin.MayUse(caller, tool)
        : policy is IAuditAccessPolicy access && access.NamesAuditTool(caller, tool);

    /// <summary>One page of the caller's chain's entries that match the request, newest first, redacted for the caller.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The answer or a refusal.</returns>
    /// <exception cref="InvalidDataException">An entry does not decode (run verify).</exception>
    /// <exception cref="SqliteException">The database is missing or unreadable.</exception>
    public async Task<AuditAnswer> SearchAsync(CallerIdentity caller, AuditSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (AuditScope.Resolve(policy, caller, request.Tenant) is not { } chain)
        {
            return AuditAnswer.Refused(AuditScope.OutOfScopeCode, AuditScope.OutOfScopeMessage);
        }

        if (Check(request.Limit, request.Cursor, oldestFirst: false, out var cursor) is { } invalid)
        {
            return invalid;
        }

        if ((request.ObjectType is null) != (request.RecordId is null))
        {
            return AuditAnswer.Refused(InvalidQueryCode, "A record filter needs both the object type and the record id.");
        }

        AuditEventType? eventType = null;
        if (request.Event is { } eventName)
        {
            if (!TryParseEvent(eventName, out var parsed))
            {
                return AuditAnswer.Refused(InvalidQueryCode, $"Unknown event '{eventName}'; events: {string.Join(", ", Enum.GetNames<AuditEventType>().Select(EventName))}.");
            }

            eventType = parsed;
        }

        if (request.Since is { } since && request.Until is { } until && until <= since)
        {
            return AuditAnswer.Refused(InvalidQueryCode, "The time range is empty: until must be after since.");
        }

        var page = await _queries.SearchAsync(
            new AuditQuery
            {
                Chain = chain,
                ObjectType = request.ObjectType,
                RecordId = request.RecordId,
                Actor = request.Actor,
                Event = eventType,
                Tool = request.Tool,
                ExecutionId = request.ExecutionId,
                Since = request.Since,
                Until = request.Until,
                Limit = request.Limit,
                After = cursor,
            },
            cancellationToken).ConfigureAwait(false);
        var entries = new JsonArray();
        foreach (var entry in page.Entries)
        {
            entries.Add(Redacted(caller, entry));
        }

        return new AuditAnswer(new JsonObject
        {
            ["tenant"] = chain,
            ["count"] = page.Entries.Count,
            ["entries"] = entries,
            ["nextCursor"] = page.Next?.Encode(),
        });
    }

    /// <summary>The entry at one position of the caller's chain, decoded and redacted for the caller (as search shows it).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="sequence">The entry's position in the chain.</param>
    /// <param name="tenant">The chain; null for the caller's own.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answer (<c>tenant</c> and <c>entry</c>) or a refusal (<see cref="NotFoundCode"/> when there is no such entry, or it does not decode).</returns>
    /// <exception cref="SqliteException">The database is missing or unreadable.</exception>
    public async Task<AuditAnswer> EntryAsync(CallerIdentity caller, long sequence, string? tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (AuditScope.Resolve(policy, caller, tenant) is not { } chain)
        {
            return AuditAnswer.Refused(AuditScope.OutOfScopeCode, AuditScope.OutOfScopeMessage);
        }

        if (await FindAsync(chain, sequence, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return AuditAnswer.Refused(NotFoundCode, $"There is no readable entry at position {sequence} of your chain (an entry that does not decode is reported by verify).");
        }

        return new AuditAnswer(new JsonObject { ["tenant"] = chain, ["entry"] = Redacted(caller, entry) });
    }

    /// <summary>The entry at a position of a chain as stored (not redacted: for checks, never for display), or null when there is none or it does not decode.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="sequence">The position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or null.</returns>
    public async Task<AuditEntry?> FindAsync(string chain, long sequence, CancellationToken cancellationToken)
    {
        await using var lookup = await AuditEntryLookup.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        var found = await lookup.AtAsync(chain, sequence, cancellationToken).ConfigureAwait(false);
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>True when <paramref name="entry"/> holds a value <paramref name="caller"/> may not read (showing it whole would leak it).</summary>
    /// <param name="caller">The reader.</param>
    /// <param name="entry">The entry as stored.</param>
    /// <returns>Whether redaction changes the entry.</returns>
    public bool HidesValuesFrom(CallerIdentity caller, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AuditRecordRedaction.Apply(entry.Record, FieldRedaction.UnreadableFields(policy, caller, entry.Record.ObjectType)).Record != entry.Record;
    }

    /// <summary>One page of a record's history in the caller's chain, redacted for the caller.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answer or a refusal.</returns>
    /// <exception cref="InvalidDataException">An entry does not decode (run verify).</exception>
    /// <exception cref="SqliteException">The database is missing or unreadable.</exception>
    public async Task<AuditAnswer> HistoryAsync(CallerIdentity caller, RecordHistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (AuditScope.Resolve(policy, caller, request.Tenant) is not { } chain)
        {
            return AuditAnswer.Refused(AuditScope.OutOfScopeCode, AuditScope.OutOfScopeMessage);
        }

        if (string.IsNullOrWhiteSpace(request.ObjectType) || string.IsNullOrWhiteSpace(request.RecordId))
        {
            return AuditAnswer.Refused(InvalidQueryCode, "Name the record: its object type and id.");
        }

        if (Check(request.Limit, request.Cursor, oldestFirst: !request.NewestFirst, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var page = await new AuditRecordHistory(_queries).ReadAsync(
            chain, request.ObjectType, request.RecordId, request.Limit, cursor, request.NewestFirst, readTools, cancellationToken).ConfigureAwait(false);
        var hidden = FieldRedaction.UnreadableFields(policy, caller, request.ObjectType);

        // Values hidden anywhere in the page are blanked everywhere in it (a reason may quote another entry's value).
        string[] hiddenValues = [.. page.Items.SelectMany(i => AuditRecordRedaction.Apply(i.Entry.Record, hidden).HiddenValues)
            .Concat(page.Items.SelectMany(i => i.Changes.Where(c => hidden.Contains(c.Property)).SelectMany(c => new[] { c.Before, c.After })).OfType<JsonValue>().Select(Text))
            .Distinct(StringComparer.Ordinal)];
        var events = new JsonArray();
        foreach (var item in page.Items)
        {
            var (record, _) = AuditRecordRedaction.Apply(item.Entry.Record, hidden, hiddenValues);
            events.Add(Describe(item, record, hidden, hiddenValues));
        }

        return new AuditAnswer(new JsonObject
        {
            ["tenant"] = chain,
            ["objectType"] = request.ObjectType,
            ["recordId"] = request.RecordId,
            ["order"] = request.NewestFirst ? "newest_first" : "oldest_first",
            ["count"] = page.Items.Count,
            ["events"] = events,
            ["nextCursor"] = page.Next?.Encode(),
        });
    }

    private JsonObject Redacted(CallerIdentity caller, AuditEntry entry)
    {
        var (redacted, _) = AuditRecordRedaction.Apply(entry.Record, FieldRedaction.UnreadableFields(policy, caller, entry.Record.ObjectType));
        return AuditExportFormat.ToJson(entry with { Record = redacted });
    }

    /// <summary>The event name as answers spell it: <c>approval_requested</c>.</summary>
    /// <param name="name">The enum name.</param>
    /// <returns>The spelling.</returns>
    public static string EventName(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static bool TryParseEvent(string text, out AuditEventType eventType) =>
        Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out eventType) && Enum.IsDefined(eventType)
        && !text.Any(char.IsDigit);

    private static AuditAnswer? Check(int limit, string? cursorText, bool oldestFirst, out AuditCursor? cursor)
    {
        cursor = null;
        if (limit is < 1 or > AuditQuery.MaxLimit)
        {
            return AuditAnswer.Refused(InvalidQueryCode, $"The limit must be 1 to {AuditQuery.MaxLimit}.");
        }

        if (cursorText is null)
        {
            return null;
        }

        if (!AuditCursor.TryParse(cursorText, out var parsed) || parsed.OldestFirst != oldestFirst)
        {
            return AuditAnswer.Refused(InvalidQueryCode, "The cursor is not one this query returned; pass the nextCursor of the previous page.");
        }

        cursor = parsed;
        return null;
    }

    private static JsonObject Describe(RecordHistoryItem item, AuditRecord record, IReadOnlySet<string> hidden, string[] hiddenValues)
    {
        var changes = new JsonArray();
        foreach (var change in item.Changes)
        {
            var redact = hidden.Contains(change.Property);
            changes.Add(new JsonObject
            {
                ["property"] = change.Property,
                ["before"] = redact ? RedactedOrNull(change.Before) : FieldRedaction.ScrubNode(change.Before?.DeepClone(), hiddenValues),
                ["after"] = redact ? RedactedOrNull(change.After) : FieldRedaction.ScrubNode(change.After?.DeepClone(), hiddenValues),
                ["beforeSource"] = EventName(change.BeforeSource.ToString()),
            });
        }

        return new JsonObject
        {
            ["seq"] = item.Entry.Sequence,
            ["timestamp"] = item.Entry.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["event"] = EventName(record.Event.ToString()),
            ["action"] = record.Action.ToString().ToLowerInvariant(),
            ["tool"] = record.Tool,
            ["requestedBy"] = record.Actor,
            ["onBehalfOf"] = record.OnBehalfOf,
            ["decidedBy"] = record.Event is AuditEventType.Approved or AuditEventType.Rejected or AuditEventType.Executed or AuditEventType.Proposed
                && record.Approver is { } approver && !approver.StartsWith("role:", StringComparison.Ordinal) && approver != "requester" ? approver : null,
            ["approvalRoute"] = record.Event == AuditEventType.ApprovalRequested ? record.Approver : null,
            ["approvalId"] = item.ApprovalId,
            ["executionId"] = record.ExecutionId,
            ["outcome"] = record.Outcome,
            ["rule"] = record.Rule,
            ["reason"] = record.Reasoning,
            ["confidence"] = record.Confidence,
            ["result"] = StoredJson.Parse(record.Result),
            ["changes"] = changes,
        };
    }

    private static JsonValue? RedactedOrNull(JsonNode? value) => value is null ? null : JsonValue.Create(FieldRedaction.Redacted);

    private static string Text(JsonValue value) => value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
}
