namespace GovernedCrm.Governance.Audit;

/// <summary>
/// The tamper-evident audit trail as the pipeline sees it. An entry is handed over with <see cref="EnqueueAsync"/>
/// (its place in the chain fixed by the order of hand-over) and is acknowledged only after a durable commit, which
/// the caller waits for explicitly (<see cref="AuditAppend.WaitDurableAsync"/>); <see cref="AppendAsync"/> does both.
/// A failure is an exception (never swallowed), and the caller must then not act.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an entry and waits until it is durably committed.</summary>
    /// <param name="record">The entry.</param>
    /// <param name="cancellationToken">Cancels the wait (the entry may still be written).</param>
    /// <returns>Where the entry is.</returns>
    /// <exception cref="AuditUnavailableException">The trail cannot be written.</exception>
    ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Hands an entry to the trail without waiting for it to be durable: entries handed over later (by this
    /// process, in the same chain) come after it in the chain. A failure after hand-over surfaces as
    /// <see cref="AuditUnavailableException"/> from the handle's wait. The default appends and waits (a trail
    /// without a queue: the handle is complete when returned).
    /// </summary>
    /// <param name="record">The entry.</param>
    /// <param name="cancellationToken">Cancels the hand-over (waiting for room in the queue).</param>
    /// <returns>The handle: the entry's position and the wait for its durability.</returns>
    /// <exception cref="AuditUnavailableException">The trail does not accept entries (not started, shutting down).</exception>
    async ValueTask<AuditAppend> EnqueueAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return AuditAppend.Durable(await AppendAsync(record, cancellationToken).ConfigureAwait(false));
        }
        catch (AuditUnavailableException ex)
        {
            return AuditAppend.Failed(ex);
        }
    }
}
