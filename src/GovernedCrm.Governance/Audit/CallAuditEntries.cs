namespace GovernedCrm.Governance.Audit;

/// <summary>
/// The audit entries of one call handed to the trail so far (RECEIVED, APPROVAL_REQUESTED, PROPOSED, the outcome),
/// in the order they were handed over, and the one wait that makes sure all of them are durable. Steps hand their
/// entries over without waiting; the call waits where the guarantees need it: before a write reaches the CRM, and
/// before any answer leaves.
/// </summary>
public sealed class CallAuditEntries
{
    private readonly List<AuditAppend> _entries = new(4);

    /// <summary>How many entries were handed over.</summary>
    public int Count => _entries.Count;

    /// <summary>Remembers an entry handed over elsewhere (the transport's RECEIVED entry).</summary>
    /// <param name="entry">The entry's handle.</param>
    public void Add(AuditAppend entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries.Add(entry);
    }

    /// <summary>Hands an entry to the trail, after the call's earlier entries, without waiting for it.</summary>
    /// <param name="trail">The audit trail.</param>
    /// <param name="record">The entry.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    /// <returns>A task.</returns>
    /// <exception cref="AuditUnavailableException">The trail does not accept entries.</exception>
    public async ValueTask EnqueueAsync(IAuditTrail trail, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trail);
        _entries.Add(await trail.EnqueueAsync(record, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The failure of an entry already known to have failed, without waiting; null when none is known.</summary>
    /// <returns>The failure, or null.</returns>
    public AuditUnavailableException? KnownFailure()
    {
        foreach (var entry in _entries)
        {
            if (entry.Failure is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until every entry handed over so far is durable. An entry that failed (even one handed over long
    /// before, whose successors did reach the disk) fails the wait.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the entries may still be written.</param>
    /// <returns>A task.</returns>
    /// <exception cref="AuditUnavailableException">An entry of the call could not be written.</exception>
    public async ValueTask WaitDurableAsync(CancellationToken cancellationToken)
    {
        // The newest first: once it is durable, the earlier ones of the same chain are complete as well, so the
        // loop below only reads their results.
        if (_entries.Count == 0)
        {
            return;
        }

        await _entries[^1].WaitDurableAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _entries.Count - 1; i++)
        {
            await _entries[i].WaitDurableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="WaitDurableAsync"/>, not cancellable, returning the failure instead of throwing it.</summary>
    /// <returns>Null when every entry is durable; else why one is not.</returns>
    public async ValueTask<AuditUnavailableException?> TryWaitDurableAsync()
    {
        try
        {
            await WaitDurableAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (AuditUnavailableException ex)
        {
            return ex;
        }
    }
}
