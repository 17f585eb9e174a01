namespace GovernedCrm.Audit.Records;

/// <summary>Proof that an entry is durably in the audit trail.</summary>
/// <param name="Chain">The chain (tenant).</param>
/// <param name="Sequence">The entry's position in its chain (0-based).</param>
/// <param name="EntryId">A printable id of the entry: chain and sequence.</param>
public sealed record AuditReceipt(string Chain, long Sequence, string EntryId);
