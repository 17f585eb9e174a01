namespace GovernedCrm.Governance.Audit;

/// <summary>
/// The tamper-evident audit trail as the pipeline sees it. Appends are acknowledged only after a durable
/// commit; a failure is an exception (never swallowed), and the caller must then not act.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an entry and waits until it is durably committed.</summary>
    /// <param name="record">The entry.</param>
    /// <param name="cancellationToken">Cancels the wait (the entry may still be written).</param>
    /// <returns>Where the entry is.</returns>
    /// <exception cref="AuditUnavailableException">The trail cannot be written.</exception>
    ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken);
}
