using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Testing;

/// <summary>
/// The approval queue's store kept in memory, with the same compare-and-set transitions as the SQLite one (under a
/// lock, with yields so races interleave); creating an id twice throws, as the SQLite store's primary key does.
/// </summary>
public sealed class InMemoryApprovalStore : IApprovalStore
{
    private readonly Dictionary<string, ApprovalRequest> _requests = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How many transitions succeeded.</summary>
    public int Transitions { get; private set; }

    /// <inheritdoc />
    public async Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (_lock)
        {
            if (!_requests.TryAdd(request.Id, request))
            {
                throw new InvalidOperationException($"An approval with the id {request.Id} already exists.");
            }
        }
    }

    /// <inheritdoc />
    public async Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (_lock)
        {
            return _requests.GetValueOrDefault(id);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? tenant, ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (_lock)
        {
            return [.. _requests.Values
                .Where(r => (tenant is null || r.Tenant == tenant) && (status is null || r.Status == status))
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .Take(limit)];
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryTransitionAsync(ApprovalStatus from, ApprovalRequest updated, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (_lock)
        {
            if (!_requests.TryGetValue(updated.Id, out var current) || current.Status != from)
            {
                return false;
            }

            _requests[updated.Id] = updated;
            Transitions++;
            return true;
        }
    }
}
