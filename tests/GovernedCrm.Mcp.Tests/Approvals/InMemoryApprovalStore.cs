using System.Collections.Concurrent;
using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>The approval queue's store kept in memory, with the same compare-and-set transitions as the SQLite one.</summary>
internal sealed class InMemoryApprovalStore : IApprovalStore
{
    private readonly ConcurrentDictionary<string, ApprovalRequest> _requests = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        _requests[request.Id] = request;
        return Task.CompletedTask;
    }

    public Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_requests.TryGetValue(id, out var request) ? request : null);

    public Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? tenant, ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApprovalRequest>>(_requests.Values
            .Where(r => (tenant is null || r.Tenant == tenant) && (status is null || r.Status == status))
            .OrderByDescending(r => r.CreatedAt).Take(limit).ToList());

    public Task<bool> TryTransitionAsync(ApprovalStatus from, ApprovalRequest updated, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_requests.TryGetValue(updated.Id, out var current) || current.Status != from)
            {
                return Task.FromResult(false);
            }

            _requests[updated.Id] = updated;
            return Task.FromResult(true);
        }
    }
}
