namespace GovernedCrm.Crm;

/// <summary>Records found by a search.</summary>
/// <param name="Records">The records, at most the requested limit.</param>
/// <param name="HasMore">True when more records matched than were returned.</param>
public sealed record CrmSearchResult(IReadOnlyList<CrmRecord> Records, bool HasMore);
