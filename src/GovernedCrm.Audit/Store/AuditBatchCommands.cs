using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The writer's prepared statements on its connection: compiled once and re-bound for every row, since a group
/// commit inserts hundreds of entries per transaction.
/// </summary>
internal sealed class AuditBatchCommands : IDisposable
{
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _readHead;
    private readonly SqliteCommand _writeHead;
    private readonly SqliteCommand _insertCheckpoint;

    public AuditBatchCommands(SqliteConnection connection)
    {
        _insertEntry = Create(
            connection,
            "INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash) " +
            "VALUES ($chain, $seq, $ts, $actor, $event, $tool, $execution, $body, $hash)",
            "$chain", "$seq", "$ts", "$actor", "$event", "$tool", "$execution", "$body", "$hash");
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
        _insertEntry.Transaction = transaction;
        _readHead.Transaction = transaction;
        _writeHead.Transaction = transaction;
        _insertCheckpoint.Transaction = transaction;
    }

    public void InsertEntry(string chain, long seq, long ts, string actor, string eventName, string? tool, string executionId, byte[] body, byte[] hash)
    {
        var p = _insertEntry.Parameters;
        p[0].Value = chain;
        p[1].Value = seq;
        p[2].Value = ts;
        p[3].Value = actor;
        p[4].Value = eventName;
        p[5].Value = (object?)tool ?? DBNull.Value;
        p[6].Value = executionId;
        p[7].Value = body;
        p[8].Value = hash;
        _insertEntry.ExecuteNonQuery();
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

    public void WriteHead(string chain, long size, byte[] hash, byte[] frontier)
    {
        var p = _writeHead.Parameters;
        p[0].Value = chain;
        p[1].Value = size;
        p[2].Value = hash;
        p[3].Value = frontier;
        _writeHead.ExecuteNonQuery();
    }

    public void InsertCheckpoint(string chain, long size, string note, long createdAt)
    {
        var p = _insertCheckpoint.Parameters;
        p[0].Value = chain;
        p[1].Value = size;
        p[2].Value = note;
        p[3].Value = createdAt;
        _insertCheckpoint.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insertEntry.Dispose();
        _readHead.Dispose();
        _writeHead.Dispose();
        _insertCheckpoint.Dispose();
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
}
