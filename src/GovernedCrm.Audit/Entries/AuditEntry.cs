namespace GovernedCrm.Audit.Entries;

/// <summary>One entry of a chain, decoded from its stored body.</summary>
/// <param name="Origin">The chain's origin line (names the chain inside the signed bytes).</param>
/// <param name="Sequence">The position in the chain, from 0.</param>
/// <param name="Timestamp">When the entry was sequenced (UTC, millisecond precision).</param>
/// <param name="PreviousHash">The entry hash of the entry before (32 zero bytes for the first).</param>
/// <param name="Record">What the entry says.</param>
public sealed record AuditEntry(string Origin, long Sequence, DateTimeOffset Timestamp, byte[] PreviousHash, AuditRecord Record);
