namespace GovernedCrm.Audit.Store;

/// <summary>A committed group: its callers and checkpoint notes wait for the group to be durable.</summary>
/// <param name="wal">The -wal file to flush first; null when the commit is durable already.</param>
/// <param name="pending">The group's entries.</param>
/// <param name="receipts">Their receipts, in the same order.</param>
/// <param name="notes">The checkpoint notes the group stored.</param>
/// <param name="exporter">Exports the notes to the anchor file.</param>
/// <param name="logger">Logs a failed flush.</param>
internal sealed class CommittedGroup(WalFile? wal, PendingEntry[] pending, AuditReceipt[] receipts, SignedNote[] notes, CheckpointExporter exporter, ILogger logger)
    : DurableTicket(wal, pending.Length)
{
    // Entries appended with a wait are demanded from the start: a group of only those never needs counting again.
    private int _demanded = CountDemanded(pending);

    public override int DemandedCount => _demanded == pending.Length ? _demanded : _demanded = CountDemanded(pending);

    // A group of checkpoint notes only is flushed at once: the notes leave for the anchor file after the flush.
    public override bool Lazy => pending.Length > 0 && DemandedCount == 0;

    public override void Durable()
    {
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i].Completion.TrySetResult(receipts[i]);
        }

        // Checkpoint notes leave for the anchor file only once they are durable in the database.
        foreach (var note in notes)
        {
            exporter.Enqueue(note.Chain, note.Size, note.Note);
        }
    }

    public override void Failed(string reason)
    {
        GroupCommit.LogAppendFailed(logger, pending.Length, reason);
        foreach (var item in pending)
        {
            item.Fail(reason);
        }
    }

    private static int CountDemanded(PendingEntry[] entries)
    {
        var demanded = 0;
        foreach (var entry in entries)
        {
            demanded += entry.Demanded ? 1 : 0;
        }

        return demanded;
    }
}
