using System.Globalization;
using Dapper;
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

    private readonly string _connectionString;
    private readonly string _pragmas;

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

        // Read-only: never created, writes refused (query_only), no pooling, opened read-write where the file allows
        // so that closing the last connection removes the -wal and -shm files (a read-only SQLite connection leaves them).
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = readOnly ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = !readOnly,
            DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
        }.ToString();
        var busyMs = ((long)BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _pragmas = readOnly
            ? $"PRAGMA busy_timeout = {busyMs}; PRAGMA query_only = ON;"
            : $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = FULL;";
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
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(_pragmas).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

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
            var mode = await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"The governance database at {DatabasePath} cannot use WAL mode (got '{mode}').");
            }

            // One snapshot for the version, the application id and the tables: read one by one, another process's first
            // migration could commit in between, and a half-seen new file would look like someone else's database.
            int version;
            using (var snapshot = connection.BeginTransaction(deferred: true))
            {
                version = await CheckAsync(connection, snapshot).ConfigureAwait(false);
                await snapshot.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (version > 0)
            {
                var check = await connection.ExecuteScalarAsync<string>("PRAGMA quick_check;").ConfigureAwait(false);
                if (!string.Equals(check, "ok", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"The governance database at {DatabasePath} failed its integrity check: {check}.");
                }
            }

            foreach (var migration in GovernanceMigrations.All.Where(m => m.Version > version))
            {
                using var transaction = connection.BeginTransaction(deferred: false);

                // Another process may have migrated since the version was read: read it again under the write lock.
                var current = await CheckAsync(connection, transaction).ConfigureAwait(false);
                if (current >= migration.Version)
                {
                    version = current;
                    continue;
                }

                await connection.ExecuteAsync(migration.Sql, transaction: transaction).ConfigureAwait(false);
                var stamp = $"PRAGMA application_id = {ApplicationId.ToString(CultureInfo.InvariantCulture)}; PRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};";
                await connection.ExecuteAsync(stamp, transaction: transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                version = migration.Version;
            }

            return version;
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"The governance database at {DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.", ex);
        }
    }

    /// <summary>
    /// Checks, without changing anything, that the file is a governance database at the schema version this build
    /// reads (<see cref="GovernanceMigrations.LatestVersion"/>).
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
            var version = await CheckAsync(connection, snapshot).ConfigureAwait(false);
            if (version != GovernanceMigrations.LatestVersion)
            {
                throw new InvalidDataException(
                    $"The governance database at {DatabasePath} has schema version {version}; this governed-crm reads version {GovernanceMigrations.LatestVersion}. Start the server once to migrate it.");
            }
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"The governance database at {DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.", ex);
        }
    }

    // The schema version, after making sure the file is a governance database this version understands.
    private async Task<int> CheckAsync(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var version = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;", transaction: transaction).ConfigureAwait(false);
        var applicationId = await connection.ExecuteScalarAsync<int>("PRAGMA application_id;", transaction: transaction).ConfigureAwait(false);
        var tables = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE type = 'table';", transaction: transaction).ConfigureAwait(false);
        var isNew = applicationId == 0 && version == 0 && tables == 0;
        if (!isNew && applicationId != ApplicationId)
        {
            throw new InvalidDataException(
                $"The file at {DatabasePath} is not a governance database (another SQLite database, such as the CRM's or the audit trail's?). Refusing to use it.");
        }

        if (version > GovernanceMigrations.LatestVersion)
        {
            throw new InvalidDataException(
                $"The governance database at {DatabasePath} has schema version {version}, newer than this governed-crm understands ({GovernanceMigrations.LatestVersion}). Upgrade governed-crm.");
        }

        return version;
    }
}
