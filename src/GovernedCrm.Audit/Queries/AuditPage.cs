namespace GovernedCrm.Audit.Queries;

/// <summary>One page of an audit query.</summary>
/// <param name="Entries">The entries, decoded from the chain, in the query's order.</param>
/// <param name="Next">Where the next page starts, or null when this is the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, AuditCursor? Next);
