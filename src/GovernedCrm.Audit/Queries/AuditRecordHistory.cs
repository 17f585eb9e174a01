using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernedCrm.Audit.Queries;

/// <summary>
/// A record's history from its tenant's chain: every proposal, approval request, decision and change of the record
/// (entries of reads and RECEIVED entries are left out), oldest first unless asked otherwise, each with its
/// field-level before and after values, who asked (the actor) and who decided (the approver).
/// </summary>
/// <remarks>
/// What the entries hold: a PROPOSED entry of a write has the before values read just before it ran
/// (<c>previousValues</c>) and the values it sets (<c>proposedValues</c>); an APPROVAL_REQUESTED, APPROVED, REJECTED or
/// EXPIRED entry has the same two from the proposal, and an APPROVED entry with edits the approved values in its result
/// (<c>approvedValues</c>); an EXECUTED entry has the after values in its result (<c>after</c>) but no before values:
/// those are its execution's PROPOSED entry's. When no entry of the change recorded a before value, it is derived from
/// the after value of the record's previous executed change of the property, and marked <see cref="BeforeValueSource.Derived"/>.
/// Values are as the chain holds them (secrets already replaced): redact them for the reader before they leave.
/// </remarks>
/// <param name="queries">The chain's search.</param>
public sealed class AuditRecordHistory(AuditQueries queries)
{
    private const int DeriveLookback = 20;

    /// <summary>One page of the history of a record.</summary>
    /// <param name="chain">The tenant's chain.</param>
    /// <param name="objectType">The record's object type.</param>
    /// <param name="recordId">The record id.</param>
    /// <param name="limit">Page size, 1 to <see cref="AuditQuery.MaxLimit"/>.</param>
    /// <param name="after">The cursor of the previous page, or null.</param>
    /// <param name="newestFirst">Newest entry first instead of oldest first.</param>
    /// <param name="readTools">Tools that only read: their entries (a denied read, say) are not part of a history; null to rely on each entry's action.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    public async Task<RecordHistoryPage> ReadAsync(
        string chain, string objectType, string recordId, int limit, AuditCursor? after, bool newestFirst,
        IReadOnlySet<string>? readTools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(recordId);
        var page = await queries.SearchAsync(
            new AuditQuery
            {
                Chain = chain,
                ObjectType = objectType,
                RecordId = recordId,
                Limit = limit,
                After = after,
                OldestFirst = !newestFirst,
                Where = e => IsHistory(e, readTools),
            },
            cancellationToken).ConfigureAwait(false);

        var items = new List<RecordHistoryItem>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            items.Add(new RecordHistoryItem(entry, ApprovalIdOf(entry.Record), await ChangesAsync(entry, page.Entries, cancellationToken).ConfigureAwait(false)));
        }

        return new RecordHistoryPage(items, page.Next);
    }

    /// <summary>The approval an entry names: <c>pending_approval:ID</c>, or an outcome ending in <c>;approval:ID</c>.</summary>
    /// <param name="record">The entry's record.</param>
    /// <returns>The approval id, or null.</returns>
    public static string? ApprovalIdOf(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        const string Pending = "pending_approval:";
        if (record.Outcome is not { } outcome)
        {
            return null;
        }

        var tag = outcome.LastIndexOf(AuditOutcomeTags.Approval, StringComparison.Ordinal);
        return tag >= 0 ? outcome[(tag + AuditOutcomeTags.Approval.Length)..]
            : outcome.StartsWith(Pending, StringComparison.Ordinal) ? outcome[Pending.Length..]
            : null;
    }

    private static bool IsHistory(AuditEntry entry, IReadOnlySet<string>? readTools)
    {
        var record = entry.Record;
        return record.Event != AuditEventType.Received
            && record.Action != AuditActionType.Read
            && (readTools is null || record.Tool is null || !readTools.Contains(record.Tool));
    }

    private async Task<IReadOnlyList<RecordChange>> ChangesAsync(AuditEntry entry, IReadOnlyList<AuditEntry> page, CancellationToken cancellationToken)
    {
        var record = entry.Record;
        var result = Object(record.Result);
        JsonObject? before = Object(record.PreviousValues);
        JsonObject? after;
        var created = false;
        switch (record.Event)
        {
            case AuditEventType.Executed:
                after = result?["after"] as JsonObject ?? Object(record.ProposedValues);
                created = result?["created"] is JsonValue c && c.TryGetValue(out bool isCreated) && isCreated;
                if (!created && after is not null)
                {
                    before ??= Object((await ProposedOfAsync(entry, page, cancellationToken).ConfigureAwait(false))?.Record.PreviousValues);
                }

                break;
            case AuditEventType.Approved:
                after = result?["approvedValues"] as JsonObject ?? Object(record.ProposedValues);
                break;
            default:
                after = Object(record.ProposedValues);
                break;
        }

        if (after is null)
        {
            return [];
        }

        var changes = new List<RecordChange>(after.Count);
        foreach (var (property, value) in after)
        {
            if (created)
            {
                changes.Add(new RecordChange(property, null, value?.DeepClone(), BeforeValueSource.Created));
            }
            else if (before is not null && before.TryGetPropertyValue(property, out var recorded))
            {
                changes.Add(new RecordChange(property, recorded?.DeepClone(), value?.DeepClone(), BeforeValueSource.Recorded));
            }
            else
            {
                var (found, derived) = await PreviousAfterAsync(entry, property, cancellationToken).ConfigureAwait(false);
                changes.Add(new RecordChange(property, derived, value?.DeepClone(), found ? BeforeValueSource.Derived : BeforeValueSource.Unknown));
            }
        }

        return changes;
    }

    // The PROPOSED entry of an EXECUTED entry's execution (written just before it ran): on the page, else by the execution index.
    private async Task<AuditEntry?> ProposedOfAsync(AuditEntry executed, IReadOnlyList<AuditEntry> page, CancellationToken cancellationToken)
    {
        var record = executed.Record;
        var onPage = page.LastOrDefault(e => e.Sequence < executed.Sequence && e.Record.Event == AuditEventType.Proposed
            && string.Equals(e.Record.ExecutionId, record.ExecutionId, StringComparison.Ordinal));
        if (onPage is not null)
        {
            return onPage;
        }

        var found = await queries.SearchAsync(
            new AuditQuery
            {
                Chain = record.Tenant,
                ExecutionId = record.ExecutionId,
                Event = AuditEventType.Proposed,
                Limit = 1,
                After = new AuditCursor(executed.Sequence, OldestFirst: false),
            },
            cancellationToken).ConfigureAwait(false);
        return found.Entries.Count > 0 ? found.Entries[0] : null;
    }

    // The after value of the property in the record's latest executed change before the entry.
    private async Task<(bool Found, JsonNode? Value)> PreviousAfterAsync(AuditEntry entry, string property, CancellationToken cancellationToken)
    {
        if (AuditRecordKey.Of(entry.Record) is not { } key)
        {
            return (false, null);
        }

        AuditCursor? cursor = new AuditCursor(entry.Sequence, OldestFirst: false);
        for (var pages = 0; pages < DeriveLookback && cursor is not null; pages++)
        {
            var page = await queries.SearchAsync(
                new AuditQuery
                {
                    Chain = entry.Record.Tenant,
                    ObjectType = key.ObjectType,
                    RecordId = key.RecordId,
                    Event = AuditEventType.Executed,
                    Limit = 50,
                    After = cursor,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var earlier in page.Entries)
            {
                if (Object(earlier.Record.Result)?["after"] is JsonObject values && values.TryGetPropertyValue(property, out var value))
                {
                    return (true, value?.DeepClone());
                }
            }

            cursor = page.Next;
        }

        return (false, null);
    }

    private static JsonObject? Object(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
