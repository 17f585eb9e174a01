namespace GovernedCrm.Audit.Records;

/// <summary>
/// An entry handed to the audit trail and not yet known to be durable: its place in the writer's queue, and the
/// explicit wait for its durability. Entries of one chain are committed in queue order, so once an entry is
/// durable every entry queued before it in the same chain is durable too (or failed: each handle reports its own).
/// </summary>
public sealed class AuditAppend
{
    private readonly Task<AuditReceipt> _durable;
    private readonly Action? _demand;

    /// <summary>Creates the handle.</summary>
    /// <param name="position">The entry's place in the writer's queue (arrival order in this process).</param>
    /// <param name="durable">Completes with the receipt once the entry is durable; fails with <see cref="AuditUnavailableException"/>.</param>
    /// <param name="demand">Called when someone starts waiting: tells the writer that a caller now waits for this entry.</param>
    public AuditAppend(long position, Task<AuditReceipt> durable, Action? demand = null)
    {
        ArgumentNullException.ThrowIfNull(durable);
        Position = position;
        _durable = durable;
        _demand = demand;
    }

    /// <summary>
    /// The entry's place in the writer's queue: entries of one chain with a lower position come first in the chain.
    /// For a trail that appends synchronously, the entry's sequence in its chain; -1 for an entry never queued.
    /// </summary>
    public long Position { get; }

    /// <summary>True once the entry is durable or has failed (waiting then returns at once).</summary>
    public bool IsCompleted => _durable.IsCompleted;

    /// <summary>
    /// Completes when the entry is durable (or faults with <see cref="AuditUnavailableException"/>), for observers
    /// such as metrics: unlike <see cref="WaitDurableAsync"/>, observing it does not ask the writer to flush early.
    /// </summary>
    public Task<AuditReceipt> Completion => _durable;

    /// <summary>Why the entry could not be written, once that is known; null while pending and once durable.</summary>
    public AuditUnavailableException? Failure => _durable.IsFaulted ? _durable.Exception?.InnerException as AuditUnavailableException : null;

    /// <summary>A handle on an entry that is durable already.</summary>
    /// <param name="receipt">Where it is.</param>
    /// <returns>The handle.</returns>
    public static AuditAppend Durable(AuditReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new AuditAppend(receipt.Sequence, Task.FromResult(receipt));
    }

    /// <summary>A handle on an entry that could not be written; waiting for it throws the exception.</summary>
    /// <param name="failure">Why.</param>
    /// <returns>The handle.</returns>
    public static AuditAppend Failed(AuditUnavailableException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new AuditAppend(-1, Task.FromException<AuditReceipt>(failure));
    }

    /// <summary>Waits until the entry is durable (committed and flushed to disk).</summary>
    /// <param name="cancellationToken">Stops waiting; the entry may still be written.</param>
    /// <returns>Where the entry is.</returns>
    /// <exception cref="AuditUnavailableException">The entry could not be written (also when that was known at enqueue time).</exception>
    public ValueTask<AuditReceipt> WaitDurableAsync(CancellationToken cancellationToken)
    {
        if (_durable.IsCompleted)
        {
            return new ValueTask<AuditReceipt>(_durable);
        }

        _demand?.Invoke();
        return new ValueTask<AuditReceipt>(_durable.WaitAsync(cancellationToken));
    }
}
