namespace GovernedCrm.Crm;

/// <summary>The result of a write: the record as it now is, and what changed.</summary>
/// <param name="Record">The record after the write.</param>
/// <param name="Changes">The properties the write changed, with before and after values.</param>
/// <param name="Created">True when the write created the record.</param>
public sealed record CrmWriteResult(CrmRecord Record, IReadOnlyList<CrmPropertyChange> Changes, bool Created);
