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

    /// <summary>Whether a new database is seeded with demo data.</summary>
    public bool SeedDemoData { get; init; } = true;
}
