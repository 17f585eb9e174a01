using GovernedCrm.Audit.Entries;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Approvals;

/// <summary>
/// Reads decisions on proposals from the audit database, read-only: the entry at the position the approval queue
/// names when it is the decision on that approval, else the decision entries of the proposal's execution id (a
/// scan of that tenant's chain); and whether a later entry already records a run of the approval.
/// </summary>
/// <param name="databasePath">The audit database.</param>
public sealed class ChainApprovalEvidence(string databasePath) : IApprovalEvidence
{
    private static readonly string Approved = AuditEventType.Approved.ToString();
    private static readonly string Rejected = AuditEventType.Rejected.ToString();
    private static readonly string Proposed = AuditEventType.Proposed.ToString();

    /// <inheritdoc />
    public async ValueTask<ApprovalDecisionEntry?> FindDecisionAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await Store.AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        ApprovalDecisionEntry? decision = null;
        if (request.DecisionSequence is { } hint)
        {
            decision = (await ReadAsync(connection, "seq = $seq", request, hint, cancellationToken).ConfigureAwait(false))
                .LastOrDefault(e => e.Record.Event is AuditEventType.Approved or AuditEventType.Rejected);
        }

        // No position, or one that names something else: the decision is found by the proposal's execution id.
        decision ??= (await ReadAsync(connection, $"execution_id = $execution AND event IN ('{Approved}', '{Rejected}')", request, 0, cancellationToken).ConfigureAwait(false))
            .LastOrDefault();
        if (decision is null)
        {
            return null;
        }

        var runs = await ReadAsync(connection, $"seq > $seq AND execution_id = $execution AND event = '{Proposed}'", request, decision.Sequence, cancellationToken).ConfigureAwait(false);
        return decision with { RunAt = runs.FirstOrDefault()?.Sequence };
    }

    // The entries of the request's tenant chain that match the condition and name the request's approval id.
    private static async Task<List<ApprovalDecisionEntry>> ReadAsync(
        SqliteConnection connection, string condition, ApprovalRequest request, long seq, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT body FROM audit_entries WHERE chain = $chain AND {condition} ORDER BY seq";
        command.Parameters.AddWithValue("$chain", request.Tenant);
        command.Parameters.AddWithValue("$seq", seq);
        command.Parameters.AddWithValue("$execution", request.ExecutionId);
        var entries = new List<ApprovalDecisionEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // A body that does not decode is no evidence of anything (verify reports it).
            if (AuditEntryCodec.TryDecode(reader.GetFieldValue<byte[]>(0), out var entry, out _)
                && new ApprovalDecisionEntry(entry!.Sequence, entry.Timestamp, entry.Record) is var candidate
                && candidate.Names(request.Id))
            {
                entries.Add(candidate);
            }
        }

        return entries;
    }
}
