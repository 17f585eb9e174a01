namespace GovernedCrm.Audit.Queries;

/// <summary>
/// Turns a time range into the range of positions of one chain that holds it, by binary search over the positions
/// (each probe reads one entry's timestamp through the primary key): about 2·log2(N) point reads, and no index to
/// maintain on every append. It relies on timestamps not going backwards along the chain (see <see cref="AuditQueries"/>).
/// </summary>
internal sealed class ChainPositions : IAsyncDisposable
{
    private readonly SqliteCommand _timestamp;
    private readonly SqliteCommand _last;

    public ChainPositions(SqliteConnection connection, string chain)
    {
        _timestamp = connection.CreateCommand();
        _timestamp.CommandText = "SELECT ts FROM audit_entries WHERE chain = $chain AND seq = $seq";
        _timestamp.Parameters.AddWithValue("$chain", chain);
        _timestamp.Parameters.Add("$seq", SqliteType.Integer);
        _last = connection.CreateCommand();
        _last.CommandText = "SELECT max(seq) FROM audit_entries WHERE chain = $chain";
        _last.Parameters.AddWithValue("$chain", chain);
    }

    /// <summary>The first and last position whose timestamp is in [since, until); an empty range (first &gt; last) when none is.</summary>
    public async Task<(long Low, long High)> RangeAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        if (await _last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long last)
        {
            return (0, -1);
        }

        var low = since is { } s ? await FirstAtOrAfterAsync(s.ToUnixTimeMilliseconds(), last, cancellationToken).ConfigureAwait(false) : 0;
        var high = until is { } u ? await FirstAtOrAfterAsync(u.ToUnixTimeMilliseconds(), last, cancellationToken).ConfigureAwait(false) - 1 : last;
        return (low, high);
    }

    public async ValueTask DisposeAsync()
    {
        await _timestamp.DisposeAsync().ConfigureAwait(false);
        await _last.DisposeAsync().ConfigureAwait(false);
    }

    // The first position in [0, last + 1] whose timestamp is at or after the bound (last + 1 when none is). A missing
    // row (a damaged chain: verify reports it) counts as after the bound, which only widens the range searched.
    private async Task<long> FirstAtOrAfterAsync(long millis, long last, CancellationToken cancellationToken)
    {
        var (low, high) = (0L, last + 1);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            _timestamp.Parameters["$seq"].Value = middle;
            var atOrAfter = await _timestamp.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long ts || ts >= millis;
            (low, high) = atOrAfter ? (low, middle) : (middle + 1, high);
        }

        return low;
    }
}
