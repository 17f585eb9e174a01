using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Governance.Tests.Audit;

/// <summary>An audit trail that keeps entries in memory, or fails every append when told to (unit tests of the steps only).</summary>
internal sealed class RecordingAuditTrail : IAuditTrail
{
    public List<AuditRecord> Records { get; } = [];

    public bool Fail { get; set; }

    public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new AuditUnavailableException("The audit trail could not be written (the audit database is locked by another process); nothing was done.");
        }

        Records.Add(record);
        return ValueTask.FromResult(new AuditReceipt(record.Tenant, Records.Count - 1, $"{record.Tenant}/{Records.Count - 1}"));
    }
}
