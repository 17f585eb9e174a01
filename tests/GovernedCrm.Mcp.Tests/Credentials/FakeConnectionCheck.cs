using System.Collections.Concurrent;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Mcp.Tests.Credentials;

/// <summary>A connection check over a set of connected users, with completion listeners the test fires itself.</summary>
internal sealed class FakeConnectionCheck(string provider, Uri? connectBase) : ICrmConnectionCheck, IConnectCompletionListeners
{
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _listeners = new();

    public ConcurrentDictionary<string, bool> Connected { get; } = new();

    public int Checks;

    public ValueTask<ConnectionRequirement?> CheckAsync(CallerIdentity caller, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Checks);
        if (Connected.ContainsKey(caller.UserId))
        {
            return ValueTask.FromResult<ConnectionRequirement?>(null);
        }

        var id = $"req-{caller.UserId}";
        return ValueTask.FromResult<ConnectionRequirement?>(connectBase is null
            ? new ConnectionRequirement(provider)
            : new ConnectionRequirement(provider, new Uri(connectBase, $"connect?id={id}"), id, $"elicit-{caller.UserId}"));
    }

    public void OnCompleted(string connectRequestId, Func<CancellationToken, Task> onConnected) => _listeners[connectRequestId] = onConnected;

    public Task CompleteAsync(string user)
    {
        Connected[user] = true;
        return _listeners.TryRemove($"req-{user}", out var listener) ? listener(CancellationToken.None) : Task.CompletedTask;
    }
}
