using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Testing;

/// <summary>
/// An audit trail kept in memory (appends under a lock, so concurrent calls may write), or failing every append as a
/// locked audit database does, when told to. For tests of the steps and the pipeline; the chain itself is not built.
/// </summary>
public sealed class RecordingAuditTrail : IAuditTrail
{
    /// <summary>Every record appended, in order.</summary>
    public List<AuditRecord> Records { get; } = [];

    /// <summary>When set, every append throws <see cref="AuditUnavailableException"/> and nothing is kept.</summary>
    public bool Fail { get; set; }

    /// <inheritdoc />
    public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Fail)
        {
            throw new AuditUnavailableException("The audit trail could not be written (the audit database is locked by another process); nothing was done.");
        }

        lock (Records)
        {
            Records.Add(record);
            return ValueTask.FromResult(new AuditReceipt(record.Tenant, Records.Count - 1, $"{record.Tenant}/{Records.Count - 1}"));
        }
    }
}
