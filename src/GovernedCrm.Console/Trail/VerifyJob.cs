namespace GovernedCrm.AdminConsole.Trail;

/// <summary>One verification started from the console: its progress while it walks, then its result (or why it has none).</summary>
/// <param name="id">The job id (random; shown only to its owner).</param>
/// <param name="userId">Who started it.</param>
/// <param name="tenant">Their tenant (the chain walked).</param>
/// <param name="startedAt">When it started.</param>
public sealed class VerifyJob(string id, string userId, string tenant, DateTimeOffset startedAt) : IProgress<long>
{
    private long _walked;
    private volatile State? _state;

    /// <summary>The job id.</summary>
    public string Id { get; } = id;

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>How many entries the walk has checked so far.</summary>
    public long Walked => Interlocked.Read(ref _walked);

    /// <summary>True once the walk has a result or failed.</summary>
    public bool IsDone => _state is not null;

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt => _state?.At;

    /// <summary>What the walk found, once done (null when it failed).</summary>
    public ChainVerification? Result => _state?.Result;

    /// <summary>Why there is no result, when the walk failed.</summary>
    public string? Failure => _state?.Failure;

    /// <summary>True when <paramref name="caller"/> started this job.</summary>
    /// <param name="caller">A console user.</param>
    /// <returns>Whether it is theirs.</returns>
    public bool IsOwnedBy(CallerIdentity caller) =>
        string.Equals(caller.UserId, userId, StringComparison.Ordinal) && string.Equals(caller.Tenant, tenant, StringComparison.Ordinal);

    /// <inheritdoc />
    public void Report(long value) => Interlocked.Exchange(ref _walked, value);

    internal void Complete(ChainVerification result, DateTimeOffset at)
    {
        Interlocked.Exchange(ref _walked, result.Entries);
        _state = new State(result, null, at);
    }

    internal void Fail(string failure, DateTimeOffset at) => _state = new State(null, failure, at);

    private sealed record State(ChainVerification? Result, string? Failure, DateTimeOffset At);
}
