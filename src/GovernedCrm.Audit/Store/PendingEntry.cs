namespace GovernedCrm.Audit.Store;

/// <summary>
/// One queued append: the record, its body and column values encoded on the caller's thread, and the caller's
/// acknowledgement. The checkpoint timer's tick travels through the same queue as an entry without a record.
/// </summary>
internal sealed class PendingEntry
{
    public PendingEntry(AuditRecord? record, byte[] body)
    {
        Record = record;
        Body = body;
        Columns = record is null ? null! : new EntryColumns(record);
    }

    /// <summary>The checkpoint timer's mark: signs the checkpoints due by time.</summary>
    public static PendingEntry Tick { get; } = new(null, []);

    public AuditRecord? Record { get; }

    /// <summary>The body, whose header the writer fills in (again, if a locked batch is retried).</summary>
    public byte[] Body { get; }

    public EntryColumns Columns { get; }

    public bool IsTick => Record is null;

    public TaskCompletionSource<AuditReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fails the caller's append: nothing of it is durable.</summary>
    /// <param name="reason">Why, as the caller's error says it.</param>
    public void Fail(string reason) =>
        Completion.TrySetException(new AuditUnavailableException($"The audit trail could not be written ({reason})."));
}
