namespace GovernedCrm.Governance.Policy.Limits;

/// <summary>One user's allowed writes within the sliding window: their timestamps, oldest first (at most the limit's max).</summary>
internal sealed class WriteWindow : LimiterState
{
    private readonly Queue<long> _writes = new();
    private long _windowTimestamps;

    /// <summary>Drops writes that left the window and says whether another write fits.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="windowTimestamps">The window's length in timestamp units.</param>
    /// <param name="max">How many writes the window allows.</param>
    /// <returns>True when one more write is within the limit.</returns>
    public bool HasRoom(long now, long windowTimestamps, int max)
    {
        _windowTimestamps = windowTimestamps;
        while (_writes.Count > 0 && now - _writes.Peek() >= windowTimestamps)
        {
            _writes.Dequeue();
        }

        return _writes.Count < max;
    }

    /// <summary>Records an allowed write.</summary>
    public void Record(long now) => _writes.Enqueue(now);

    /// <inheritdoc />
    // Once every write has left the window, forgetting the user changes no decision.
    public override bool IsIdle(long now, long idleTimestamps) =>
        _writes.Count == 0 || now - _writes.Last() >= _windowTimestamps || now - LastUsed >= idleTimestamps;
}
