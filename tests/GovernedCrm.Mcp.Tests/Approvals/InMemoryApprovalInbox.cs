using System.Collections.Concurrent;
using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>The approval queue as the approval step sees it, kept in memory for these tests.</summary>
internal sealed class InMemoryApprovalInbox : IApprovalInbox
{
    public ConcurrentDictionary<string, ApprovalRequest> Requests { get; } = new(StringComparer.Ordinal);

    public Task<ApprovalRequest> SubmitAsync(ApprovalRequest pending, CancellationToken cancellationToken)
    {
        Requests[pending.Id] = pending;
        return Task.FromResult(pending);
    }

    public Task<ApprovalRequest?> FindAsync(string id, GovernedCrm.Governance.Identity.CallerIdentity viewer, CancellationToken cancellationToken) =>
        Task.FromResult(Requests.TryGetValue(id, out var request) && request.Tenant == viewer.Tenant ? request : null);
}
