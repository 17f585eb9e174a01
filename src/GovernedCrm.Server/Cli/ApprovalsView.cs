using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Store;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// What the read-only approvals verbs (<c>list</c>, <c>show</c>) read: the data folder's approval queue, opened for
/// reading only (no folder, file, schema migration or audit entry is created). A pending proposal past its expiry is
/// shown as expired (and left out of the pending list) without recording the expiry: the server, or the next decision
/// on it, records it with its audit entry.
/// </summary>
internal sealed class ApprovalsView
{
    private readonly ApprovalService? _service;
    private readonly GovernedCrm.Governance.Policy.CompiledPolicy _policy;

    private ApprovalsView(ApprovalService? service, GovernedCrm.Governance.Policy.CompiledPolicy policy)
    {
        _service = service;
        _policy = policy;
    }

    /// <summary>The properties of <paramref name="objectType"/> the acting user may not read: redacted from what the verb prints.</summary>
    /// <param name="caller">The acting user.</param>
    /// <param name="objectType">The proposal's object type.</param>
    /// <returns>The unreadable properties.</returns>
    public IReadOnlySet<string> UnreadableFields(CallerIdentity caller, string? objectType) =>
        GovernedCrm.Governance.Policy.FieldRedaction.UnreadableFields(_policy, caller, objectType);

    /// <summary>Opens the folder's queue for reading; a folder without a governance database has an empty queue.</summary>
    /// <exception cref="InvalidDataException">The governance database is unusable or at another schema version.</exception>
    public static async Task<ApprovalsView> OpenAsync(DataFolder folder, GovernedCrm.Governance.Policy.CompiledPolicy policy, CancellationToken cancellationToken)
    {
        var store = await SqliteApprovalStore.OpenForReadingAsync(folder.Path, cancellationToken).ConfigureAwait(false);

        // Reading never writes an audit entry: the service's writes are unreachable from here, and refused if reached.
        return new ApprovalsView(store is null ? null : new ApprovalService(store, NoAuditTrail.Instance, TimeProvider.System), policy);
    }

    public async Task<ApprovalRequest?> FindAsync(string id, CallerIdentity viewer, CancellationToken cancellationToken) =>
        _service is null ? null : AsSeenNow(await _service.FindAsync(id, viewer, cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(CallerIdentity viewer, bool all, int limit, CancellationToken cancellationToken)
    {
        if (_service is null)
        {
            return [];
        }

        var requests = await _service.ListAsync(viewer, all ? null : ApprovalStatus.Pending, limit, cancellationToken).ConfigureAwait(false);
        var seen = requests.Select(r => AsSeenNow(r)!);
        return [.. all ? seen : seen.Where(r => r.Status == ApprovalStatus.Pending)];
    }

    private static ApprovalRequest? AsSeenNow(ApprovalRequest? request) =>
        request is { Status: ApprovalStatus.Pending } && TimeProvider.System.GetUtcNow() >= request.ExpiresAt
            ? request with { Status = ApprovalStatus.Expired }
            : request;

    private sealed class NoAuditTrail : IAuditTrail
    {
        public static readonly NoAuditTrail Instance = new();

        public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The read-only approvals view writes no audit entries.");
    }
}
