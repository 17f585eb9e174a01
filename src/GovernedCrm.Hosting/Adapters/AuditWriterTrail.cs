using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// The governance pipeline's audit trail port over the audit store's writer. It only forwards: the writer already
/// acknowledges an entry once it is durable, hands out queued entries with their position, and fails with
/// <see cref="AuditUnavailableException"/>, which is what the port asks of an implementation. The writer stays
/// owned (and disposed) by whoever opened it.
/// </summary>
/// <param name="writer">The started writer.</param>
public sealed class AuditWriterTrail(AuditWriter writer) : IAuditTrail
{
    /// <inheritdoc />
    public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        writer.AppendAsync(record, cancellationToken);

    /// <inheritdoc />
    public ValueTask<AuditAppend> EnqueueAsync(AuditRecord record, CancellationToken cancellationToken) =>
        writer.EnqueueAsync(record, cancellationToken);
}
