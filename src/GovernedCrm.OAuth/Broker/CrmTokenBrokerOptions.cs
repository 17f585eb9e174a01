namespace GovernedCrm.OAuth.Broker;

/// <summary>How the <see cref="CrmTokenBroker"/> decides to refresh and serializes refreshes.</summary>
public sealed record CrmTokenBrokerOptions
{
    /// <summary>
    /// The folder of the cross-process refresh lock files (one per user and provider, named by a hash); every process
    /// sharing a vault must use the same folder (e.g. <c>{data}/locks/oauth</c>). Created when missing.
    /// </summary>
    public required string LockFolder { get; init; }

    /// <summary>A token expiring within this margin is refreshed first (clock skew and request time).</summary>
    public TimeSpan RefreshBeforeExpiry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for another process's refresh before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
