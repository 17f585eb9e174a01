using SQLitePCL;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The writer's prepared statements on its connection: compiled once and re-bound for every row, since a group
/// commit inserts hundreds of entries per transaction. The entry insert, run once per entry on the writer's
/// critical path, is a raw SQLite statement on the same connection (so inside the same transaction): binding
/// nine values and stepping it directly costs a fraction of a SqliteCommand execution, which binds through
/// parameter objects and opens and disposes a data reader for every row.
/// </summary>
internal sealed class AuditBatchCommands : IDisposable
{
    private const string InsertEntrySql =
        "INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _insertEntry;
    private readonly SqliteCommand _readHead;
    private readonly SqliteCommand _writeHead;
    private readonly SqliteCommand _insertCheckpoint;

    public AuditBatchCommands(SqliteConnection connection)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v3(_database, InsertEntrySql, raw.SQLITE_PREPARE_PERSISTENT, out _insertEntry));
        _readHead = Create(connection, "SELECT size, head_hash, frontier FROM audit_heads WHERE chain = $chain", "$chain");
        _writeHead = Create(
            connection,
            "INSERT INTO audit_heads (chain, size, head_hash, frontier) VALUES ($chain, $size, $hash, $frontier) " +
            "ON CONFLICT (chain) DO UPDATE SET size = excluded.size, head_hash = excluded.head_hash, frontier = excluded.frontier",
            "$chain", "$size", "$hash", "$frontier");
        _insertCheckpoint = Create(
            connection,
            "INSERT OR IGNORE INTO audit_checkpoints (chain, size, note, created_at) VALUES ($chain, $size, $note, $at)",
            "$chain", "$size", "$note", "$at");
    }

    public void Enlist(SqliteTransaction transaction)
    {
        _readHead.Transaction = transaction;
        _writeHead.Transaction = transaction;
        _insertCheckpoint.Transaction = transaction;
    }

    public void InsertEntry(long seq, long ts, EntryColumns columns, byte[] body, byte[] hash)
    {
        var statement = _insertEntry;
        try
        {
            Check(BindText(statement, 1, columns.Chain));
            Check(raw.sqlite3_bind_int64(statement, 2, seq));
            Check(raw.sqlite3_bind_int64(statement, 3, ts));
            Check(BindText(statement, 4, columns.Actor));
            Check(BindText(statement, 5, columns.Event));
            Check(columns.Tool is null ? raw.sqlite3_bind_null(statement, 6) : BindText(statement, 6, columns.Tool));
            Check(BindText(statement, 7, columns.ExecutionId));
            Check(raw.sqlite3_bind_blob(statement, 8, body));
            Check(raw.sqlite3_bind_blob(statement, 9, hash));
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public (long Size, byte[] Hash, byte[] Frontier)? ReadHead(string chain)
    {
        _readHead.Parameters[0].Value = chain;
        using var reader = _readHead.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return (reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2));
    }

    public void WriteHead(string chain, long size, byte[] hash, byte[] frontier) => Execute(_writeHead, chain, size, hash, frontier);

    public void InsertCheckpoint(string chain, long size, string note, long createdAt) => Execute(_insertCheckpoint, chain, size, note, createdAt);

    public void Dispose()
    {
        _insertEntry.Dispose();
        _readHead.Dispose();
        _writeHead.Dispose();
        _insertCheckpoint.Dispose();
    }

    /// <summary>Binds UTF-8 text; an empty value is bound as empty text (an empty span would bind NULL).</summary>
    private static int BindText(sqlite3_stmt statement, int index, byte[] utf8) =>
        utf8.Length == 0 ? raw.sqlite3_bind_text(statement, index, string.Empty) : raw.sqlite3_bind_text(statement, index, utf8.AsSpan());

    /// <summary>Throws what Microsoft.Data.Sqlite would throw for the same failure (so the writer's retry and failure handling see the same codes).</summary>
    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    // Binds the values to the command's parameters, in the order Create named them, and runs it.
    private static void Execute(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
