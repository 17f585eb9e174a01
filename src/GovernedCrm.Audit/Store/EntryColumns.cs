namespace GovernedCrm.Audit.Store;

/// <summary>
/// The text columns stored beside an entry's body, as UTF-8: encoded on the caller's thread so the writer binds
/// bytes instead of converting strings while it holds the database's write lock. The verifier checks every
/// column against the body, so these must be the record's values exactly.
/// </summary>
/// <param name="record">The record.</param>
internal sealed class EntryColumns(AuditRecord record)
{
    /// <summary>The chain (the tenant).</summary>
    public byte[] Chain { get; } = Encoding.UTF8.GetBytes(record.Tenant);

    /// <summary>The actor.</summary>
    public byte[] Actor { get; } = Encoding.UTF8.GetBytes(record.Actor);

    /// <summary>The event name.</summary>
    public byte[] Event { get; } = Encoding.UTF8.GetBytes(record.Event.ToString());

    /// <summary>The tool, or null.</summary>
    public byte[]? Tool { get; } = record.Tool is null ? null : Encoding.UTF8.GetBytes(record.Tool);

    /// <summary>The execution id.</summary>
    public byte[] ExecutionId { get; } = Encoding.UTF8.GetBytes(record.ExecutionId);
}
