using GovernedCrm.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Store;

/// <summary>
/// The governance state's SQLite file (<c>governance.db</c> in the data folder; never the CRM or the audit
/// database): opens connections with the pragmas every connection needs (busy timeout, <c>synchronous=FULL</c>),
/// and creates or migrates the schema, tracked in <c>PRAGMA user_version</c>, on first use.
/// </summary>
/// <remarks>
/// The file is stamped with <see cref="ApplicationId"/> (<c>PRAGMA application_id</c>), so another SQLite file (the
/// CRM's, the audit trail's) given by mistake is refused instead of being written into.
/// </remarks>
public sealed class GovernanceDatabase
{
    /// <summary>The file name in the data folder.</summary>
    public const string FileName = "governance.db";

    /// <summary>The SQLite application id of a governance database ("GCRM" in ASCII).</summary>
    public const int ApplicationId = 0x4743524D;

    /// <summary>How long a statement waits for another connection's lock by default.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    private readonly SqliteDatabaseFile _file;
    private readonly SqliteSchema _schema;

    /// <summary>Creates the accessor; nothing is opened until <see cref="InitializeAsync"/> or <see cref="OpenAsync"/>.</summary>
    /// <param name="databasePath">The database file.</param>
    /// <param name="busyTimeout">How long a statement waits for another connection's lock; default 5 s.</param>
    public GovernanceDatabase(string databasePath, TimeSpan? busyTimeout = null)
        : this(databasePath, busyTimeout, readOnly: false)
    {
    }

    private GovernanceDatabase(string databasePath, TimeSpan? busyTimeout, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = databasePath;
        BusyTimeout = busyTimeout ?? DefaultBusyTimeout;
        IsReadOnly = readOnly;

        // Read-only: never created, writes refused (query_only), no pooling, and no -wal or -shm file left behind.
        _file = readOnly
            ? new SqliteDatabaseFile(databasePath, SqliteAccess.ReadOnly, BusyTimeout, "")
            : new SqliteDatabaseFile(databasePath, SqliteAccess.ReadWriteCreate, BusyTimeout, "PRAGMA synchronous = FULL;");
        _schema = new SqliteSchema(GovernanceMigrations.All, Problem) { ApplicationId = ApplicationId, RequireWal = true, QuickCheckExisting = true };
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>How long a statement waits for another connection's lock.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>True for an accessor made by <see cref="ForReading"/>.</summary>
    public bool IsReadOnly { get; }

    /// <summary>
    /// An accessor for readers that must change nothing on disk (the CLI's read-only verbs, verify): the file is never
    /// created or migrated and every write is refused. Call <see cref="CheckReadableAsync"/> before reading.
    /// </summary>
    /// <param name="databasePath">The database file.</param>
    /// <returns>The accessor.</returns>
    public static GovernanceDatabase ForReading(string databasePath) => new(databasePath, null, readOnly: true);

    /// <summary>The governance database of a data folder.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <returns>The accessor.</returns>
    public static GovernanceDatabase InDataFolder(string dataFolder) => new(Path.Combine(dataFolder, FileName));

    /// <summary>Opens a connection with the busy timeout and <c>synchronous=FULL</c> (decisions survive power loss).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection; dispose it.</returns>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    /// <summary>
    /// Creates the schema on a new file and applies pending migrations. Safe when several processes start on a new
    /// data folder at once: each migration re-reads the version under the write lock (BEGIN IMMEDIATE).
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The schema version after migration.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is not a governance database, is corrupt, has a newer schema than this version understands, or
    /// cannot be opened.
    /// </exception>
    public async Task<int> InitializeAsync(CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"The governance database at {DatabasePath} was opened for reading; it cannot be created or migrated.");
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await _schema.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"The governance database at {DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.", ex);
        }
    }

    /// <summary>
    /// Checks, without changing anything, that the file is a governance database at the schema version this build
    /// reads (the newest of <see cref="GovernanceMigrations"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is missing, cannot be opened, is not a governance database, or has another schema version (an older one
    /// is migrated by the next server start or deciding verb).
    /// </exception>
    public async Task CheckReadableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            using var snapshot = connection.BeginTransaction(deferred: true);
            var version = await _schema.ReadVersionAsync(connection, snapshot, cancellationToken).ConfigureAwait(false);
            if (version != _schema.LatestVersion)
            {
                throw new InvalidDataException(
                    $"The governance database at {DatabasePath} has schema version {version}; this governed-crm reads version {_schema.LatestVersion}. Start the server once to migrate it.");
            }
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"The governance database at {DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.", ex);
        }
    }

    private InvalidDataException Problem(SqliteSchemaProblem problem) => new(problem.Kind switch
    {
        SqliteSchemaProblemKind.NotWal => $"The governance database at {DatabasePath} cannot use WAL mode (got '{problem.Detail}').",
        SqliteSchemaProblemKind.IntegrityCheckFailed => $"The governance database at {DatabasePath} failed its integrity check: {problem.Detail}.",
        SqliteSchemaProblemKind.ForeignFile =>
            $"The file at {DatabasePath} is not a governance database (another SQLite database, such as the CRM's or the audit trail's?). Refusing to use it.",
        _ => $"The governance database at {DatabasePath} has schema version {problem.Version}, newer than this governed-crm understands ({problem.LatestVersion}). Upgrade governed-crm.",
    });
}
