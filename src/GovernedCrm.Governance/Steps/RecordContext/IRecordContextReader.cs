namespace GovernedCrm.Governance.Steps.RecordContext;

/// <summary>Reads the record a call targets, as it is now, so the policy can decide on its tenant and values.</summary>
public interface IRecordContextReader
{
    /// <summary>
    /// The targeted record, or null when the call names none or it does not exist. A record of another tenant
    /// comes back with that tenant and no values: nothing of it may reach the caller.
    /// </summary>
    /// <param name="call">The call (its caller's tenant scopes the read of values).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record context.</returns>
    ValueTask<CurrentRecord?> ReadAsync(GovernedCall call, CancellationToken cancellationToken);
}
