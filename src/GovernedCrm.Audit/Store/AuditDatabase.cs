using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The audit SQLite file: schema, pragmas and connections. Entries are append-only (triggers abort UPDATE and
/// DELETE, which stops accidents, not an attacker with write access: signed checkpoints and the anchor do that).
/// </summary>
public sealed class AuditDatabase
{
    private const int SchemaVersion = 2;
    private readonly string _connectionString;

    /// <summary>Creates the accessor.</summary>
    /// <param name="options">Where the file is.</param>
    public AuditDatabase(AuditStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
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
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken, bool forWriter = false)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var busy = ((long)Options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {busy}; PRAGMA synchronous = FULL;" + (forWriter ? " PRAGMA wal_autocheckpoint = 0;" : "")).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

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
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;").ConfigureAwait(false);
        if (version > SchemaVersion)
        {
            throw new InvalidDataException($"The audit database at {Options.DatabasePath} has schema version {version}, newer than this server understands ({SchemaVersion}).");
        }

        if (version == SchemaVersion)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;", transaction: transaction).ConfigureAwait(false);
        if (current >= SchemaVersion)
        {
            // Another process created the schema while this one waited for the lock.
            return;
        }

        if (current == 1)
        {
            // Version 2 drops the execution-id index: nothing queries it, and it cost a third of every append.
            await connection.ExecuteAsync("DROP INDEX IF EXISTS audit_entries_execution; PRAGMA user_version = 2;", transaction: transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await connection.ExecuteAsync("""
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
            PRAGMA user_version = 2;
            """, transaction: transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
