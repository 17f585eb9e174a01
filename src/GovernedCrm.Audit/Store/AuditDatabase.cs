using GovernedCrm.Persistence.Sqlite;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The audit SQLite file: schema, pragmas and connections. Entries are append-only (triggers abort UPDATE and
/// DELETE, which stops accidents, not an attacker with write access: signed checkpoints and the anchor do that).
/// </summary>
public sealed class AuditDatabase
{
    // Version 1 created the tables and an execution-id index; version 2 drops that index (nothing queried it, and it
    // cost a third of every append). A new file gets version 1's tables without the index, as they are since version 2.
    // Version 3 adds the search index (AuditSearchSchema): filled by the writer in batches, off the append path, for
    // the entries already there as for new ones. It is not evidence: every entry a query finds through it is read from
    // the chain and checked against its body.
    private static readonly SqliteMigration[] Migrations =
    [
        new(1, """
            CREATE TABLE IF NOT EXISTS audit_entries (
                chain TEXT NOT NULL,
                seq INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                actor TEXT NOT NULL,
                event TEXT NOT NULL,
                tool TEXT,
                execution_id TEXT NOT NULL,
                body BLOB NOT NULL,
                entry_hash BLOB NOT NULL,
                PRIMARY KEY (chain, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audit_heads (
                chain TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                head_hash BLOB NOT NULL,
                frontier BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                chain TEXT NOT NULL,
                size INTEGER NOT NULL,
                note TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (chain, size)
            );
            CREATE TRIGGER IF NOT EXISTS audit_entries_append_only_update BEFORE UPDATE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
            CREATE TRIGGER IF NOT EXISTS audit_entries_append_only_delete BEFORE DELETE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
            """),
        new(2, "DROP INDEX IF EXISTS audit_entries_execution;"),
        new(AuditSearchSchema.Version, AuditSearchSchema.Sql),
    ];

    private readonly SqliteDatabaseFile _file;
    private readonly SqliteSchema _schema;

    /// <summary>Creates the accessor.</summary>
    /// <param name="options">Where the file is.</param>
    public AuditDatabase(AuditStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _file = new SqliteDatabaseFile(options.DatabasePath, SqliteAccess.ReadWriteCreate, options.BusyTimeout, "PRAGMA synchronous = FULL;");
        _schema = new SqliteSchema(Migrations, problem => new InvalidDataException(
            $"The audit database at {Options.DatabasePath} has schema version {problem.Version}, newer than this server understands ({problem.LatestVersion})."));
    }

    /// <summary>The options.</summary>
    public AuditStoreOptions Options { get; }

    /// <summary>Opens a connection with a busy timeout and full durability.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <param name="forWriter">
    /// True for the writer's connection: automatic WAL checkpoints are off on it, so copying pages into the
    /// database never runs inside a commit (a separate connection checkpoints).
    /// </param>
    /// <returns>The connection.</returns>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken, bool forWriter = false) =>
        _file.OpenAsync(cancellationToken, forWriter ? "PRAGMA wal_autocheckpoint = 0;" : null);

    /// <summary>
    /// Prepares the writer's connection for group commits whose WAL flush is done by <see cref="WalSyncer"/>: in
    /// WAL mode the connection commits with synchronous = NORMAL (frames written, not flushed) and the writer
    /// acknowledges a group only after its own flush of the -wal file. Any other journal mode keeps
    /// synchronous = FULL, so every commit is durable when it returns.
    /// </summary>
    /// <param name="connection">The writer's open connection.</param>
    /// <returns>True when the writer must flush the WAL itself before acknowledging.</returns>
    internal static bool DeferWalFlush(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        if (!string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        command.CommandText = "PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
        return true;
    }

    /// <summary>Creates the schema on a new file; refuses a file from a newer version.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await _schema.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
    }
}
