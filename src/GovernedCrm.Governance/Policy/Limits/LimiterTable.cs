using System.Collections.Concurrent;

namespace GovernedCrm.Governance.Policy.Limits;

/// <summary>
/// Limiter states by key with bounded memory: when the table grows past its capacity, idle states are
/// evicted, then the least recently used ones, down to 90% of capacity.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <param name="capacity">The most keys kept.</param>
/// <param name="idleTimestamps">How long (timestamp units) a state may sit unused before it counts as idle.</param>
internal sealed class LimiterTable<TState>(int capacity, long idleTimestamps)
    where TState : LimiterState, new()
{
    private readonly ConcurrentDictionary<string, TState> _states = new(StringComparer.Ordinal);
    private readonly Lock _sweeping = new();

    /// <summary>How many keys are tracked.</summary>
    public int Count => _states.Count;

    // The state of the key, created when missing; Use locks it, and retries when it is evicted.
    private TState Get(string key, long now)
    {
        if (_states.TryGetValue(key, out var state))
        {
            return state;
        }

        // A new state counts as just used, so the sweep it may trigger does not evict it first.
        state = _states.GetOrAdd(key, static (_, time) => new TState { LastUsed = time }, now);
        if (_states.Count > capacity)
        {
            Sweep(now);
        }

        return state;
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the state of <paramref name="key"/> (created when missing) while holding its lock,
    /// its last use set to <paramref name="now"/>; a state evicted meanwhile is looked up again, so what
    /// <paramref name="use"/> checks and records stays in the table.
    /// </summary>
    /// <typeparam name="TResult">What <paramref name="use"/> answers.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="use">Checks and records on the state.</param>
    /// <returns>What <paramref name="use"/> answered.</returns>
    public TResult Use<TResult>(string key, long now, Func<TState, TResult> use)
    {
        while (true)
        {
            var state = Get(key, now);
            lock (state)
            {
                if (state.Evicted)
                {
                    continue;
                }

                state.LastUsed = now;
                return use(state);
            }
        }
    }

    private void Sweep(long now)
    {
        if (!_sweeping.TryEnter())
        {
            return;
        }

        try
        {
            foreach (var (key, state) in _states)
            {
                lock (state)
                {
                    if (state.IsIdle(now, idleTimestamps))
                    {
                        Evict(key, state);
                    }
                }
            }

            var target = capacity * 9 / 10;
            if (_states.Count <= target)
            {
                return;
            }

            foreach (var (key, state) in _states.OrderBy(e => e.Value.LastUsed).Take(_states.Count - target).ToList())
            {
                lock (state)
                {
                    Evict(key, state);
                }
            }
        }
        finally
        {
            _sweeping.Exit();
        }
    }

    private void Evict(string key, TState state)
    {
        state.Evicted = true;
        _states.TryRemove(new KeyValuePair<string, TState>(key, state));
    }
}
