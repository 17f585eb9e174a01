namespace GovernedCrm.Audit.Queries;

/// <summary>One entry of a record's history: the entry as the chain holds it, and the field-level changes it records.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="ApprovalId">The approval it belongs to (a request, a decision, the run of an approved proposal), or null.</param>
/// <param name="Changes">The properties it changes or proposes to change, before and after.</param>
public sealed record RecordHistoryItem(AuditEntry Entry, string? ApprovalId, IReadOnlyList<RecordChange> Changes);

/// <summary>One page of a record's history.</summary>
/// <param name="Items">The entries, in the order asked for.</param>
/// <param name="Next">Where the next page starts, or null when this is the last.</param>
public sealed record RecordHistoryPage(IReadOnlyList<RecordHistoryItem> Items, AuditCursor? Next);
