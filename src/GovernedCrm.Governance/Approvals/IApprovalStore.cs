namespace GovernedCrm.Governance.Approvals;

/// <summary>The persisted approval queue. Transitions are compare-and-set, so of two deciders exactly one wins.</summary>
public interface IApprovalStore
{
    /// <summary>Stores a new pending proposal.</summary>
    /// <param name="request">The proposal.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken);

    /// <summary>Reads one proposal, or null.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposal, or null.</returns>
    Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists proposals of a tenant, newest first.</summary>
    /// <param name="tenant">The tenant; null for all tenants (admin CLI).</param>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposals.</returns>
    Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? tenant, ApprovalStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a proposal with <paramref name="updated"/> only if its stored status is still <paramref name="from"/>
    /// (atomically, across threads and processes).
    /// </summary>
    /// <param name="from">The status the caller saw.</param>
    /// <param name="updated">The new state (same id).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this caller's transition won.</returns>
    Task<bool> TryTransitionAsync(ApprovalStatus from, ApprovalRequest updated, CancellationToken cancellationToken);
}
