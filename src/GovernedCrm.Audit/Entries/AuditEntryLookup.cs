using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Entries;

/// <summary>
/// Finds entries of one chain in the audit database, read-only, by position or by execution id: for callers that
/// check a call's history against the chain (the approval evidence). One connection serves every lookup until
/// disposed. An entry whose body does not decode is skipped: it is no evidence of anything (verify reports it).
/// </summary>
public sealed class AuditEntryLookup : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private AuditEntryLookup(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens the audit database for lookups.</summary>
    /// <param name="databasePath">The audit database file.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The lookup; dispose it.</returns>
    /// <exception cref="SqliteException">The file is missing or cannot be opened.</exception>
    public static async Task<AuditEntryLookup> OpenAsync(string databasePath, CancellationToken cancellationToken) =>
        new(await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false));

    /// <summary>The entry at a position of a chain.</summary>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="sequence">The position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or none when there is none there (or it does not decode).</returns>
    public Task<IReadOnlyList<AuditEntry>> AtAsync(string chain, long sequence, CancellationToken cancellationToken) =>
        ReadAsync("seq = $seq", chain, sequence, executionId: "", cancellationToken);

    /// <summary>The entries of one execution id in a chain, of the given events, in chain order.</summary>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="executionId">The execution id.</param>
    /// <param name="events">The events wanted (at least one).</param>
    /// <param name="afterSequence">Only entries after this position; null for every position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public Task<IReadOnlyList<AuditEntry>> OfExecutionAsync(
        string chain, string executionId, IReadOnlyCollection<AuditEventType> events, long? afterSequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);

        // Event names are the enum's identifiers, never caller text, so they are written into the statement.
        var eventCondition = events.Count == 1
            ? $"event = '{events.First()}'"
            : $"event IN ({string.Join(", ", events.Select(e => $"'{e}'"))})";
        var condition = afterSequence is null
            ? $"execution_id = $execution AND {eventCondition}"
            : $"seq > $seq AND execution_id = $execution AND {eventCondition}";
        return ReadAsync(condition, chain, afterSequence ?? 0, executionId, cancellationToken);
    }

    /// <summary>Closes the connection.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<IReadOnlyList<AuditEntry>> ReadAsync(string condition, string chain, long sequence, string executionId, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT body FROM audit_entries WHERE chain = $chain AND {condition} ORDER BY seq";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$execution", executionId);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (AuditEntryCodec.TryDecode(reader.GetFieldValue<byte[]>(0), out var entry, out _))
            {
                entries.Add(entry!);
            }
        }

        return entries;
    }
}
