using GovernedCrm.Audit.Witnesses;

namespace GovernedCrm.Audit.Store;

/// <summary>Where the audit trail lives and how it checkpoints.</summary>
public sealed class AuditStoreOptions
{
    /// <summary>The audit database's file name in the data folder (never the CRM database).</summary>
    public const string FileName = "audit.db";

    /// <summary>The default anchor file name, beside (not inside) the audit database.</summary>
    public const string AnchorFileName = "audit-checkpoints.anchor";

    /// <summary>The full path of the audit database.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long an append waits for another process's lock before the audit counts as unavailable.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a batch keeps retrying while other processes hold the lock before the audit counts as unavailable
    /// (each attempt waits up to <see cref="BusyTimeout"/>).
    /// </summary>
    public TimeSpan BusyRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A checkpoint is signed after this many new entries in a chain.</summary>
    public int CheckpointEveryEntries { get; init; } = 1000;

    /// <summary>A checkpoint is signed when a chain has new entries and this much time has passed.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After this many appended entries the writer asks for a background WAL checkpoint, then completes it between
    /// two transactions so the WAL restarts from its start: the WAL stays near this many entries' worth of pages
    /// instead of growing while appends never pause.
    /// </summary>
    public int WalCheckpointEveryEntries { get; init; } = 4096;

    /// <summary>The most entries committed in one transaction.</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>Where every signed checkpoint is published besides the anchor file (none by default).</summary>
    public IReadOnlyList<WitnessTarget> Witnesses { get; init; } = [];

    /// <summary>How publishing to the witnesses is paced (polls, retries, timeouts).</summary>
    public WitnessPublisherOptions WitnessPublishing { get; init; } = new();
}
