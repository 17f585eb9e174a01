namespace GovernedCrm.Audit.Store;

/// <summary>
/// Fills the search index (<see cref="AuditSearchSchema"/>) from the chain: each run indexes, in one write transaction,
/// the next entries of every chain past its indexed position (at most a chunk of them), as sorted batches of rows, and
/// moves the position on. Runs re-read the position under the write lock, so several processes may run it on one file.
/// The writer runs it on its own connection only while no entry has been appended for a moment
/// (<see cref="IdleIndexing"/>), so indexing never slows appends down; under sustained load the index falls behind and
/// searches walk the newer tail of the chain instead (same answers, more reading) until it catches up.
/// </summary>
/// <param name="database">The audit database.</param>
public sealed class AuditSearchIndexer(AuditDatabase database)
{
    /// <summary>The most entries one run indexes by default (a few milliseconds of write lock).</summary>
    public const int DefaultChunk = 512;

    /// <summary>Indexes up to <paramref name="maxEntries"/> entries not indexed yet, across chains, on a new connection.</summary>
    /// <param name="maxEntries">The most entries this run indexes.</param>
    /// <param name="cancellationToken">Cancels the run (before its transaction).</param>
    /// <returns>True when entries remain to be indexed.</returns>
    public async Task<bool> RunAsync(int maxEntries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return Run(connection, maxEntries);
    }

    /// <summary>Indexes every entry not indexed yet (for tools, tests and benchmarks that need a fully indexed file now).</summary>
    /// <param name="cancellationToken">Cancels between runs.</param>
    /// <returns>A task.</returns>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (Run(connection, 50_000))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>One run on <paramref name="connection"/> (read-write, not inside a transaction).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="maxEntries">The most entries this run indexes.</param>
    /// <returns>True when entries remain to be indexed.</returns>
    internal static bool Run(SqliteConnection connection, int maxEntries)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var backlog = new List<(string Chain, long From, long Size)>();
        using (var heads = connection.CreateCommand())
        {
            heads.Transaction = transaction;
            heads.CommandText = "SELECT h.chain, coalesce(s.indexed, 0), h.size FROM audit_heads h LEFT JOIN audit_search_state s ON s.chain = h.chain WHERE h.size > coalesce(s.indexed, 0) ORDER BY h.chain";
            using var reader = heads.ExecuteReader();
            while (reader.Read())
            {
                backlog.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        var budget = maxEntries;
        var remaining = false;
        using var read = Command(connection, transaction, "SELECT seq, body FROM audit_entries WHERE chain = $chain AND seq >= $from AND seq < $to ORDER BY seq", "$chain", "$from", "$to");
        using var insert = Command(connection, transaction, "INSERT OR IGNORE INTO audit_search (chain, field, value, seq) VALUES ($chain, $field, $value, $seq)", "$chain", "$field", "$value", "$seq");
        using var state = Command(connection, transaction, "INSERT INTO audit_search_state (chain, indexed) VALUES ($chain, $indexed) ON CONFLICT (chain) DO UPDATE SET indexed = excluded.indexed", "$chain", "$indexed");
        foreach (var (chain, from, size) in backlog)
        {
            if (budget == 0)
            {
                remaining = true;
                break;
            }

            var to = Math.Min(size, from + budget);
            budget -= (int)(to - from);
            remaining |= to < size;
            var rows = new List<(string Field, string Value, long Seq)>((int)(to - from) * 5);
            read.Parameters[0].Value = chain;
            read.Parameters[1].Value = from;
            read.Parameters[2].Value = to;
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    // A body that does not decode is not indexed (verify reports it); the position moves past it.
                    if (AuditEntryCodec.TryDecode(reader.GetFieldValue<byte[]>(1), out var entry, out _))
                    {
                        AddRows(rows, reader.GetInt64(0), entry!);
                    }
                }
            }

            // Sorted as the index is, so each field's rows go in together.
            rows.Sort((a, b) => string.CompareOrdinal(a.Field, b.Field) is var f and not 0 ? f
                : string.CompareOrdinal(a.Value, b.Value) is var v and not 0 ? v
                : a.Seq.CompareTo(b.Seq));
            insert.Parameters[0].Value = chain;
            foreach (var (field, value, seq) in rows)
            {
                insert.Parameters[1].Value = field;
                insert.Parameters[2].Value = value;
                insert.Parameters[3].Value = seq;
                insert.ExecuteNonQuery();
            }

            state.Parameters[0].Value = chain;
            state.Parameters[1].Value = to;
            state.ExecuteNonQuery();
        }

        transaction.Commit();
        return remaining;
    }

    private static void AddRows(List<(string Field, string Value, long Seq)> rows, long seq, AuditEntry entry)
    {
        var record = entry.Record;
        rows.Add((AuditSearchSchema.ActorField, record.Actor, seq));
        rows.Add((AuditSearchSchema.EventField, record.Event.ToString(), seq));
        rows.Add((AuditSearchSchema.ExecutionField, record.ExecutionId, seq));
        if (record.Tool is { } tool)
        {
            rows.Add((AuditSearchSchema.ToolField, tool, seq));
        }

        if (AuditRecordKey.Of(record) is { } key)
        {
            rows.Add((AuditSearchSchema.RecordField, AuditSearchSchema.RecordValue(key), seq));
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
