using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// BASELINE ONLY, never a real audit trail: acknowledges every entry with a receipt without writing anything,
/// so the audit-overhead benchmark can run the same governed server with and without durable auditing and
/// report the difference. It exists only in the benchmark process; governed-crm never registers it.
/// </summary>
internal sealed class NoOpAuditTrail : IAuditTrail
{
    private long _next = -1;

    public long Appended => Interlocked.Read(ref _next) + 1;

    public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sequence = Interlocked.Increment(ref _next);
        return ValueTask.FromResult(new AuditReceipt(record.Tenant, sequence, $"{record.Tenant}/{sequence}"));
    }
}
