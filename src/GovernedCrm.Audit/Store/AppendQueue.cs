using System.Threading.Channels;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The append queue: callers' entries (and the checkpoint timer's ticks) wait here, in arrival order, for the one
/// writer loop, which takes them in groups of at most the batch size. Bounded, so a stalled disk pushes back on
/// callers instead of growing without limit.
/// </summary>
internal sealed class AppendQueue
{
    private readonly Channel<PendingEntry> _channel = Channel.CreateBounded<PendingEntry>(new BoundedChannelOptions(65_536) { SingleReader = true });
    private readonly Lock _order = new();
    private long _enqueued;

    /// <summary>True when nothing is waiting.</summary>
    public bool IsEmpty => _channel.Reader.Count == 0;

    /// <summary>Queues an entry, waiting while the queue is full.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The entry's position: 1 for the first entry queued, in the order the writer takes them.</returns>
    /// <exception cref="AuditUnavailableException">The writer is shutting down.</exception>
    public async ValueTask<long> EnqueueAsync(PendingEntry entry, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The position is counted under the same lock as the write, so positions follow the queue's order.
            lock (_order)
            {
                if (_channel.Writer.TryWrite(entry))
                {
                    return ++_enqueued;
                }
            }

            if (!await _channel.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new AuditUnavailableException("The audit trail is shutting down.");
            }
        }
    }

    /// <summary>Queues the checkpoint timer's tick; dropped when the queue is full or closed.</summary>
    public void Tick() => _channel.Writer.TryWrite(PendingEntry.Tick);

    /// <summary>Accepts no more entries; those queued are still taken.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Waits until something is queued.</summary>
    /// <returns>False once the queue is completed and empty.</returns>
    public ValueTask<bool> WaitAsync() => _channel.Reader.WaitToReadAsync(CancellationToken.None);

    /// <summary>Moves up to <paramref name="max"/> queued items into <paramref name="batch"/>, leaving the ticks out.</summary>
    /// <param name="batch">Cleared, then filled with entries in arrival order.</param>
    /// <param name="max">The most items taken.</param>
    /// <returns>Whether a tick was among the items taken.</returns>
    public bool TakeBatch(List<PendingEntry> batch, int max)
    {
        batch.Clear();
        while (batch.Count < max && _channel.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        return batch.RemoveAll(p => p.IsTick) > 0;
    }
}
