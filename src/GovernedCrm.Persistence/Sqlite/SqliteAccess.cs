namespace GovernedCrm.Persistence.Sqlite;

/// <summary>How a SQLite file is opened.</summary>
public enum SqliteAccess
{
    /// <summary>Read-write, the file created when missing, connections pooled.</summary>
    ReadWriteCreate,

    /// <summary>
    /// For readers that must change nothing on disk: the file is never created (a missing file fails the open), every
    /// write is refused (<c>PRAGMA query_only</c>), connections are not pooled. The file is opened read-write where it
    /// allows (SQLite falls back to read-only where it does not) because a read-only connection leaves the <c>-wal</c>
    /// and <c>-shm</c> files of a WAL database behind when it closes, whereas the last read-write connection to close
    /// removes them, as a server that stopped cleanly does.
    /// </summary>
    ReadOnly,
}
