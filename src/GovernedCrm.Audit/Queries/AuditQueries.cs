using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Queries;

/// <summary>
/// Searches one chain of an audit database, read-only (<see cref="AuditReadConnection"/>): keyset-paged, newest first
/// by default. The part of the chain the search index covers (<see cref="AuditSearchIndexer"/>) is read through it, the
/// newer tail by walking the chain (as is all of a database older than schema version 3). The index and the entry
/// columns only find candidates: every entry returned is read from <c>audit_entries</c>, decoded, checked to be the
/// entry of its chain and position, and kept only when its body matches every filter, so a row added to or changed in
/// the index or a column can hide an entry (verify reports a changed column) but never put a false one in a result.
/// </summary>
/// <remarks>
/// A time range is turned into a range of positions by binary search over the positions (<see cref="ChainPositions"/>),
/// which assumes timestamps never go backwards along a chain (the writer stamps each group when it commits it, under
/// the database's write lock, so they do not unless the system clock is set back); the bounds are then checked on
/// every entry's own timestamp.
/// </remarks>
/// <param name="databasePath">The audit database.</param>
public sealed class AuditQueries(string databasePath)
{
    private const int MinBatch = 64;
    private const int MaxBatch = 1024;

    /// <summary>The audit database searched.</summary>
    public string DatabasePath { get; } = databasePath;

    /// <summary>One page of the entries of <see cref="AuditQuery.Chain"/> that match the query.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The page and, when there are more, the cursor of the next.</returns>
    /// <exception cref="ArgumentException">The query is malformed (limit out of range, a record filter without both parts, a cursor of the other direction).</exception>
    /// <exception cref="InvalidDataException">An entry the search reached does not decode or is not the entry of its position (run verify).</exception>
    /// <exception cref="SqliteException">The database is missing or unreadable.</exception>
    public async Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        Validate(query);
        await using var connection = await AuditReadConnection.OpenAsync(DatabasePath, cancellationToken).ConfigureAwait(false);
        return await SearchAsync(connection, query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="SearchAsync(AuditQuery, CancellationToken)"/>, on a connection the caller holds (several queries, one snapshot if in a transaction).</summary>
    /// <param name="connection">An open connection to the audit database.</param>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The page.</returns>
    public static async Task<AuditPage> SearchAsync(SqliteConnection connection, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        Validate(query);
        var indexedTo = await IndexedPositionAsync(connection, query.Chain, cancellationToken).ConfigureAwait(false);
        var (low, high) = (0L, long.MaxValue);
        if (query.Since is not null || query.Until is not null)
        {
            await using var positions = new ChainPositions(connection, query.Chain);
            (low, high) = await positions.RangeAsync(query.Since, query.Until, cancellationToken).ConfigureAwait(false);
        }

        if (query.After is { } after)
        {
            (low, high) = query.OldestFirst ? (Math.Max(low, after.Sequence + 1), high) : (low, Math.Min(high, after.Sequence - 1));
        }

        // The indexed part of the chain is read through the index (when a filter can drive it), the newer tail by
        // walking the chain; in the order of the query.
        var driver = Driver(query);
        (long Low, long High, (string Field, string Value)? Driver)[] segments = query.OldestFirst
            ? [(low, Math.Min(high, indexedTo - 1), driver), (Math.Max(low, indexedTo), high, null)]
            : [(Math.Max(low, indexedTo), high, null), (low, Math.Min(high, indexedTo - 1), driver)];
        var found = new List<AuditEntry>(query.Limit + 1);
        var batch = Math.Clamp((query.Limit + 1) * 2, MinBatch, MaxBatch);
        var origin = AuditChains.Origin(query.Chain);
        var recordKey = query.RecordId is null ? (AuditRecordKey?)null : new AuditRecordKey(query.ObjectType!, query.RecordId);
        foreach (var segment in segments)
        {
            if (found.Count > query.Limit)
            {
                break;
            }

            (low, high) = (segment.Low, segment.High);
            await using var command = Build(connection, query, segment.Driver, batch);
            while (low <= high && found.Count <= query.Limit)
            {
                command.Parameters["$low"].Value = low;
                command.Parameters["$high"].Value = high;
                var rows = 0;
                var last = -1L;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (found.Count <= query.Limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows++;
                        last = reader.GetInt64(0);
                        var entry = Decode(reader.GetFieldValue<byte[]>(1), origin, query.Chain, last);
                        if (Matches(entry, query, recordKey))
                        {
                            found.Add(entry);
                        }
                    }
                }

                if (rows < batch)
                {
                    break;
                }

                (low, high) = query.OldestFirst ? (last + 1, high) : (low, last - 1);
            }
        }

        if (found.Count <= query.Limit)
        {
            return new AuditPage(found, null);
        }

        found.RemoveAt(found.Count - 1);
        return new AuditPage(found, new AuditCursor(found[^1].Sequence, query.OldestFirst));
    }

    /// <summary>
    /// How far the search index covers a chain: positions below it are indexed, the rest is walked. 0 for a database
    /// without the index (older than schema version 3) or a chain not indexed yet.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The first position not indexed.</returns>
    public static async Task<long> IndexedPositionAsync(SqliteConnection connection, string chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!await HasSearchSchemaAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT indexed FROM audit_search_state WHERE chain = $chain";
        command.Parameters.AddWithValue("$chain", chain);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long indexed ? indexed : 0;
    }

    /// <summary>True when the database has the search index of schema version 3.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Whether it has them.</returns>
    public static async Task<bool> HasSearchSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ($index, 'audit_search_state')";
        command.Parameters.AddWithValue("$index", AuditSearchSchema.IndexTable);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 2;
    }

    private static void Validate(AuditQuery query)
    {
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ArgumentException($"The limit must be 1 to {AuditQuery.MaxLimit}.", nameof(query));
        }

        if ((query.ObjectType is null) != (query.RecordId is null))
        {
            throw new ArgumentException("A record filter needs both the object type and the record id.", nameof(query));
        }

        if (query.After is { } after && after.OldestFirst != query.OldestFirst)
        {
            throw new ArgumentException("The cursor belongs to a query of the other order.", nameof(query));
        }
    }

    // The index field that finds candidates fastest: an execution, a record, an actor, a tool, an event (null: none).
    private static (string Field, string Value)? Driver(AuditQuery query) =>
        query.ExecutionId is { } execution ? (AuditSearchSchema.ExecutionField, execution)
        : query.RecordId is { } id ? (AuditSearchSchema.RecordField, AuditSearchSchema.RecordValue(new AuditRecordKey(query.ObjectType!, id)))
        : query.Actor is { } actor ? (AuditSearchSchema.ActorField, actor)
        : query.Tool is { } tool ? (AuditSearchSchema.ToolField, tool)
        : query.Event is { } eventType ? (AuditSearchSchema.EventField, eventType.ToString())
        : null;

    // Candidates in position order, between $low and $high: through the index's rows of the driving field, or by
    // walking the chain. The column filters narrow them in SQL; the time bounds (already turned into positions) are
    // checked again on the column, with a unary '+' so that no index is chosen for them.
    private static SqliteCommand Build(SqliteConnection connection, AuditQuery query, (string Field, string Value)? driver, int batch)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder();
        sql.Append(driver is not null
            ? "SELECT e.seq, e.body FROM audit_search s CROSS JOIN audit_entries e ON e.chain = s.chain AND e.seq = s.seq " +
              "WHERE s.chain = $chain AND s.field = $field AND s.value = $value AND s.seq BETWEEN $low AND $high"
            : "SELECT e.seq, e.body FROM audit_entries e WHERE e.chain = $chain AND e.seq BETWEEN $low AND $high");
        command.Parameters.AddWithValue("$chain", query.Chain);
        if (driver is { } d)
        {
            command.Parameters.AddWithValue("$field", d.Field);
            command.Parameters.AddWithValue("$value", d.Value);
        }

        Filter(command, sql, "e.actor", "$actor", query.Actor);
        Filter(command, sql, "e.event", "$event", query.Event?.ToString());
        Filter(command, sql, "e.tool", "$tool", query.Tool);
        Filter(command, sql, "e.execution_id", "$execution", query.ExecutionId);
        if (query.Since is { } since)
        {
            sql.Append(" AND +e.ts >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND +e.ts < $until");
            command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        }

        sql.Append(driver is not null ? " ORDER BY s.seq" : " ORDER BY e.seq").Append(query.OldestFirst ? " ASC" : " DESC");
        sql.Append(" LIMIT ").Append(batch.ToString(CultureInfo.InvariantCulture));
        command.CommandText = sql.ToString();
        command.Parameters.Add("$low", SqliteType.Integer);
        command.Parameters.Add("$high", SqliteType.Integer);
        return command;
    }

    private static void Filter(SqliteCommand command, StringBuilder sql, string column, string name, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(name);
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static AuditEntry Decode(byte[] body, string origin, string chain, long seq)
    {
        if (!AuditEntryCodec.TryDecode(body, out var entry, out var error))
        {
            throw new InvalidDataException($"The audit entry {chain}/{seq.ToString(CultureInfo.InvariantCulture)} cannot be decoded ({error}); run governed-crm verify.");
        }

        if (entry!.Origin != origin || entry.Sequence != seq || entry.Record.Tenant != chain)
        {
            throw new InvalidDataException($"The audit entry stored at {chain}/{seq.ToString(CultureInfo.InvariantCulture)} is not that entry; run governed-crm verify.");
        }

        return entry;
    }

    // The body is the evidence: every filter is checked on it, whatever the columns and indexes said.
    private static bool Matches(AuditEntry entry, AuditQuery query, AuditRecordKey? recordKey)
    {
        var record = entry.Record;
        return (recordKey is null || AuditRecordKey.Of(record) == recordKey)
            && (query.Actor is null || string.Equals(record.Actor, query.Actor, StringComparison.Ordinal))
            && (query.Event is null || record.Event == query.Event)
            && (query.Tool is null || string.Equals(record.Tool, query.Tool, StringComparison.Ordinal))
            && (query.ExecutionId is null || string.Equals(record.ExecutionId, query.ExecutionId, StringComparison.Ordinal))
            && (query.Since is null || entry.Timestamp >= query.Since)
            && (query.Until is null || entry.Timestamp < query.Until)
            && (query.Where is null || query.Where(entry));
    }
}
