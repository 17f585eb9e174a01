namespace GovernedCrm.Governance.Policy.Limits;

/// <summary>The distinct records one session (or user, without a session) has touched (at most the limit's max).</summary>
internal sealed class SessionRecords : LimiterState
{
    private readonly HashSet<string> _records = new(StringComparer.Ordinal);

    /// <summary>Whether touching <paramref name="record"/> stays within <paramref name="max"/> distinct records.</summary>
    public bool Allows(string record, int max) => _records.Contains(record) || _records.Count < max;

    /// <summary>Records a touched record.</summary>
    public void Record(string record) => _records.Add(record);

    /// <inheritdoc />
    public override bool IsIdle(long now, long idleTimestamps) => now - LastUsed >= idleTimestamps;
}
