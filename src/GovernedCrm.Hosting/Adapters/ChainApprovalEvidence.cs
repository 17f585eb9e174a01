using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// The approval step's evidence port over the audit chain, read-only: the entry at the position the approval queue
/// names when it is the decision on that approval, else the decision entries of the proposal's execution id (a
/// scan of that tenant's chain); and whether a later entry already records a run of the approval.
/// </summary>
/// <param name="databasePath">The audit database.</param>
public sealed class ChainApprovalEvidence(string databasePath) : IApprovalEvidence
{
    private static readonly AuditEventType[] Decisions = [AuditEventType.Approved, AuditEventType.Rejected];
    private static readonly AuditEventType[] Runs = [AuditEventType.Proposed];

    /// <inheritdoc />
    public async ValueTask<ApprovalDecisionEntry?> FindDecisionAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lookup = await AuditEntryLookup.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using (lookup.ConfigureAwait(false))
        {
            ApprovalDecisionEntry? decision = null;
            if (request.DecisionSequence is { } hint)
            {
                decision = Naming(await lookup.AtAsync(request.Tenant, hint, cancellationToken).ConfigureAwait(false), request)
                    .LastOrDefault(e => e.Record.Event is AuditEventType.Approved or AuditEventType.Rejected);
            }

            // No position, or one that names something else: the decision is found by the proposal's execution id.
            decision ??= Naming(await lookup.OfExecutionAsync(request.Tenant, request.ExecutionId, Decisions, afterSequence: null, cancellationToken).ConfigureAwait(false), request)
                .LastOrDefault();
            if (decision is null)
            {
                return null;
            }

            var runs = Naming(await lookup.OfExecutionAsync(request.Tenant, request.ExecutionId, Runs, decision.Sequence, cancellationToken).ConfigureAwait(false), request);
            return decision with { RunAt = runs.FirstOrDefault()?.Sequence };
        }
    }

    // The entries that name the request's approval id, as decision entries.
    private static IEnumerable<ApprovalDecisionEntry> Naming(IReadOnlyList<AuditEntry> entries, ApprovalRequest request) =>
        entries.Select(e => new ApprovalDecisionEntry(e.Sequence, e.Timestamp, e.Record)).Where(c => c.Names(request.Id));
}
