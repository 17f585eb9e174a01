namespace GovernedCrm.Governance.Policy.Limits;

/// <summary>Per-key limiter state. Guarded by locking the instance; a state removed from its table is marked evicted so late users retry with a fresh one.</summary>
internal abstract class LimiterState
{
    /// <summary>When the state was last used (TimeProvider timestamp).</summary>
    public long LastUsed { get; set; }

    /// <summary>True once removed from its table: callers holding it must fetch a new one.</summary>
    public bool Evicted { get; set; }

    /// <summary>Whether the state can be dropped without changing any future decision (or has been idle long enough).</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="idleTimestamps">The idle timeout in timestamp units.</param>
    /// <returns>True when it may be evicted.</returns>
    public abstract bool IsIdle(long now, long idleTimestamps);
}
