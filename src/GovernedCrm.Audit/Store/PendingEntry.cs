namespace GovernedCrm.Audit.Store;

/// <summary>
/// One queued append: the record, its body and column values encoded on the caller's thread, and the caller's
/// acknowledgement. The checkpoint timer's tick travels through the same queue as an entry without a record.
/// An entry is demanded once a caller waits for it: only then does the WAL flush that acknowledges it have to
/// start (an entry nobody waits for yet is flushed with the next demanded one, or after a short delay).
/// </summary>
internal sealed class PendingEntry
{
    private readonly WalSyncer? _syncer;
    private volatile bool _demanded;

    public PendingEntry(AuditRecord? record, byte[] body, WalSyncer? syncer = null, bool demanded = true)
    {
        Record = record;
        Body = body;
        Columns = record is null ? null! : new EntryColumns(record);
        _syncer = syncer;
        _demanded = demanded;
    }

    /// <summary>The checkpoint timer's mark: signs the checkpoints due by time.</summary>
    public static PendingEntry Tick { get; } = new(null, []);

    public AuditRecord? Record { get; }

    /// <summary>The body, whose header the writer fills in (again, if a locked batch is retried).</summary>
    public byte[] Body { get; }

    public EntryColumns Columns { get; }

    public bool IsTick => Record is null;

    public TaskCompletionSource<AuditReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once a caller waits for the entry to be durable.</summary>
    public bool Demanded => _demanded;

    /// <summary>A caller now waits for the entry: the flush that covers it should not be put off.</summary>
    public void Demand()
    {
        if (!_demanded)
        {
            _demanded = true;
            _syncer?.Poke();
        }
    }

    /// <summary>Fails the caller's append: nothing of it is durable.</summary>
    /// <param name="reason">Why, as the caller's error says it.</param>
    public void Fail(string reason) =>
        Completion.TrySetException(new AuditUnavailableException($"The audit trail could not be written ({reason})."));
}
