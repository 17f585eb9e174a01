using GovernedCrm.Audit.Entries;
using GovernedCrm.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Version 3 of the audit database: the record index (<c>audit_record_index</c>: chain, object type, record id,
/// sequence; one row per entry that names a CRM record, see <see cref="AuditRecordKey"/>), append-only like the
/// entries, and indexes on the entry columns that audit search filters on (actor, event, tool, execution id). Time
/// needs none: timestamps follow positions, so a time bound is found by binary search over the positions. A search reads entries from
/// <c>audit_entries</c> and keeps only those whose decoded body matches: the index only finds candidates.
/// </summary>
internal static class AuditSearchSchema
{
    /// <summary>The schema version that adds them.</summary>
    public const int Version = 3;

    /// <summary>The record index's table.</summary>
    public const string RecordIndexTable = "audit_record_index";

    /// <summary>The index on (chain, execution_id, seq): the last of version 3's statements.</summary>
    public const string ExecutionIndex = "audit_entries_execution_id";

    /// <summary>The statements of version 3.</summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS audit_record_index (
            chain TEXT NOT NULL,
            object_type TEXT NOT NULL,
            record_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (chain, object_type, record_id, seq)
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS audit_record_index_append_only_update BEFORE UPDATE ON audit_record_index
            BEGIN SELECT RAISE(ABORT, 'the audit record index is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_record_index_append_only_delete BEFORE DELETE ON audit_record_index
            BEGIN SELECT RAISE(ABORT, 'the audit record index is append-only'); END;
        CREATE INDEX IF NOT EXISTS audit_entries_actor ON audit_entries (chain, actor, seq);
        CREATE INDEX IF NOT EXISTS audit_entries_event ON audit_entries (chain, event, seq);
        CREATE INDEX IF NOT EXISTS audit_entries_tool ON audit_entries (chain, tool, seq);
        CREATE INDEX IF NOT EXISTS audit_entries_execution_id ON audit_entries (chain, execution_id, seq);
        """;

    /// <summary>The record index row insert (the writer binds chain, object type, record id, sequence).</summary>
    public const string InsertRecordIndexSql = "INSERT OR IGNORE INTO audit_record_index (chain, object_type, record_id, seq) VALUES (?1, ?2, ?3, ?4)";

    /// <summary>
    /// After version 3's statements, inside its transaction: files every entry already in the database in the record
    /// index. A body that does not decode is skipped (verify reports it).
    /// </summary>
    /// <param name="connection">The migrating connection.</param>
    /// <param name="transaction">The migration's transaction.</param>
    /// <param name="migration">The migration just applied.</param>
    /// <returns>A task.</returns>
    public static async Task BackfillAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteMigration migration)
    {
        if (migration.Version != Version)
        {
            return;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO audit_record_index (chain, object_type, record_id, seq) VALUES ($chain, $type, $id, $seq)";
        var chain = insert.Parameters.Add("$chain", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);

        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT chain, seq, body FROM audit_entries ORDER BY chain, seq";
        await using var reader = await read.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (AuditEntryCodec.TryDecode(reader.GetFieldValue<byte[]>(2), out var entry, out _) && AuditRecordKey.Of(entry!.Record) is { } key)
            {
                chain.Value = reader.GetString(0);
                seq.Value = reader.GetInt64(1);
                type.Value = key.ObjectType;
                id.Value = key.RecordId;
                await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}
