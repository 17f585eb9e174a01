using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Testing;

/// <summary>
/// A fault-injecting audit trail: entries are handed over at once (kept in hand-over order) but become durable only
/// after <see cref="FlushDelay"/>, as a slow disk makes them; a flush covers every entry handed over before the one
/// it is for, like a WAL flush. Entries matching <see cref="FailWhen"/> fail at their flush (after hand-over),
/// while the entries around them still reach the disk. For tests of what may happen before an entry is durable.
/// </summary>
/// <param name="flushDelay">How long each entry waits for its flush.</param>
public sealed class DelayedFlushAuditTrail(TimeSpan flushDelay) : IAuditTrail
{
    private readonly Lock _gate = new();
    private readonly List<(AuditRecord Record, TaskCompletionSource<AuditReceipt> Durable)> _entries = [];
    private readonly List<AuditRecord> _durable = [];
    private int _flushed;

    /// <summary>How long each entry waits for its flush.</summary>
    public TimeSpan FlushDelay { get; } = flushDelay;

    /// <summary>Entries for which this is true fail at their flush with <see cref="AuditUnavailableException"/>.</summary>
    public Func<AuditRecord, bool>? FailWhen { get; set; }

    /// <summary>Every entry handed over, in hand-over order.</summary>
    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(e => e.Record)];
            }
        }
    }

    /// <summary>The entries durable right now, in chain order.</summary>
    public IReadOnlyList<AuditRecord> Durable
    {
        get
        {
            lock (_gate)
            {
                return [.. _durable];
            }
        }
    }

    /// <summary>The events of one execution that are durable right now.</summary>
    /// <param name="executionId">The call's execution id.</param>
    /// <returns>Its durable events, in chain order.</returns>
    public IReadOnlyList<AuditEventType> DurableEvents(string executionId) =>
        [.. Durable.Where(r => r.ExecutionId == executionId).Select(r => r.Event)];

    /// <summary>The events of one execution handed over so far (durable or not).</summary>
    /// <param name="executionId">The call's execution id.</param>
    /// <returns>Its events, in hand-over order.</returns>
    public IReadOnlyList<AuditEventType> HandedOver(string executionId) =>
        [.. Records.Where(r => r.ExecutionId == executionId).Select(r => r.Event)];

    /// <inheritdoc />
    public async ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        await (await EnqueueAsync(record, cancellationToken).ConfigureAwait(false)).WaitDurableAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<AuditAppend> EnqueueAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var durable = new TaskCompletionSource<AuditReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        int position;
        lock (_gate)
        {
            position = _entries.Count;
            _entries.Add((record, durable));
        }

        _ = FlushLaterAsync(position);
        return ValueTask.FromResult(new AuditAppend(position, durable.Task));
    }

    // The flush for one entry covers every entry handed over before it that is not flushed yet.
    private async Task FlushLaterAsync(int position)
    {
        await Task.Delay(FlushDelay).ConfigureAwait(false);
        var done = new List<(AuditRecord Record, TaskCompletionSource<AuditReceipt> Durable, long Sequence, bool Failed)>();
        lock (_gate)
        {
            for (; _flushed <= position; _flushed++)
            {
                var (record, durable) = _entries[_flushed];
                var failed = FailWhen?.Invoke(record) == true;
                if (!failed)
                {
                    _durable.Add(record);
                }

                done.Add((record, durable, _durable.Count - 1, failed));
            }
        }

        foreach (var (record, durable, sequence, failed) in done)
        {
            if (failed)
            {
                durable.TrySetException(new AuditUnavailableException("The audit trail could not be written (injected flush failure)."));
            }
            else
            {
                durable.TrySetResult(new AuditReceipt(record.Tenant, sequence, $"{record.Tenant}/{sequence}"));
            }
        }
    }
}
