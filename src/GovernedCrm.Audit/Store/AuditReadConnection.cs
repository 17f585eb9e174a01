using GovernedCrm.Persistence.Sqlite;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// A connection for readers of the audit database (verify, export, proofs) that changes nothing on disk: it never
/// creates the file (a missing file fails the open) and refuses every write (<c>PRAGMA query_only</c>). It is opened
/// read-write when the file allows it (SQLite falls back to read-only when it does not) because a read-only SQLite
/// connection leaves the <c>-wal</c> and <c>-shm</c> files of a WAL database behind when it closes, whereas the
/// last read-write connection to close removes them, as a server that stopped cleanly does.
/// </summary>
public static class AuditReadConnection
{
    /// <summary>Opens the database for reading.</summary>
    /// <param name="databasePath">The audit database file.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection (no pooling); dispose it.</returns>
    /// <exception cref="SqliteException">The file is missing or cannot be opened.</exception>
    public static Task<SqliteConnection> OpenAsync(string databasePath, CancellationToken cancellationToken) =>
        new SqliteDatabaseFile(databasePath, SqliteAccess.ReadOnly, busyTimeout: null, pragmas: "").OpenAsync(cancellationToken);
}
