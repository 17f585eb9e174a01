namespace GovernedCrm.Crm.Embedded;

/// <summary>Where the embedded CRM keeps its SQLite file and how long a write waits for a lock.</summary>
public sealed class EmbeddedCrmOptions
{
    /// <summary>The file name of the CRM database inside the data folder.</summary>
    public const string FileName = "crm.db";

    /// <summary>The full path of the CRM database file.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long a statement waits for another connection's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True for readers that must change nothing on disk (the CLI's read-only verbs): the file is never created or
    /// migrated, every write is refused (<c>PRAGMA query_only</c>), and connections are not pooled, so closing the last one
    /// removes the <c>-wal</c> and <c>-shm</c> files as a stopped server does.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Whether a new database is seeded with demo data.</summary>
    public bool SeedDemoData { get; init; } = true;
}
