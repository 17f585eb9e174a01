using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Entries;

/// <summary>
/// Reads an audit database again and again while a server appends to it (follow-mode export): one read-only
/// connection kept open (WAL lets a reader work beside the writer; each query sees the entries committed when it
/// starts), the chains that have entries, and the next entries of one chain from a position.
/// </summary>
public sealed class AuditEntryTail : IAsyncDisposable
{
    // Distinct chains by a skip-scan over the (chain, seq) primary key: one index seek per chain, not a scan of every entry.
    private const string ChainsSql = """
        WITH RECURSIVE c(chain) AS (
            SELECT MIN(chain) FROM audit_entries
            UNION ALL
            SELECT (SELECT MIN(chain) FROM audit_entries WHERE chain > c.chain) FROM c WHERE c.chain IS NOT NULL)
        SELECT chain FROM c WHERE chain IS NOT NULL
        """;

    private readonly SqliteConnection _connection;

    private AuditEntryTail(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens the database for reading (it must exist; nothing is created or changed).</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The reader; dispose it.</returns>
    public static async Task<AuditEntryTail> OpenAsync(string databasePath, CancellationToken cancellationToken) =>
        new(await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false));

    /// <summary>The chains that hold at least one entry, in name order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The chain names.</returns>
    public async Task<IReadOnlyList<string>> ChainsAsync(CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = ChainsSql;
        var chains = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chains.Add(reader.GetString(0));
        }

        return chains;
    }

    /// <summary>The entries of one chain from a sequence number on, in sequence order, at most <paramref name="limit"/>.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="fromSequence">The first sequence number wanted.</param>
    /// <param name="limit">The most entries returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries (empty when none is newer).</returns>
    /// <exception cref="InvalidDataException">A body does not decode (run verify).</exception>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string chain, long fromSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq, body FROM audit_entries WHERE chain = $chain AND seq >= $from ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$from", fromSequence);
        command.Parameters.AddWithValue("$limit", limit);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(AuditEntryReader.Decode(chain, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        return entries;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
