using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Crm.Embedded;

/// <summary>
/// The embedded CRM's SQLite file: opens connections with the pragmas every connection needs, and creates
/// or migrates the schema (tracked in <c>PRAGMA user_version</c>) on first use.
/// </summary>
public sealed class EmbeddedCrmDatabase
{
    private readonly string _connectionString;

    /// <summary>Creates the database accessor; nothing is opened until <see cref="InitializeAsync"/> or a query.</summary>
    /// <param name="options">Where the file is.</param>
    public EmbeddedCrmDatabase(EmbeddedCrmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = !options.ReadOnly,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The options this database was opened with.</summary>
    public EmbeddedCrmOptions Options { get; }

    /// <summary>Opens a connection with foreign keys on and a busy timeout.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection; dispose it.</returns>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var busyMs = ((long)Options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {busyMs}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;" + (Options.ReadOnly ? " PRAGMA query_only = ON;" : "")).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates the schema on a new file, applies pending migrations, and seeds demo data into a new database.
    /// Fails with <see cref="CrmException"/> (<c>crm.unavailable</c>) when the file is not a usable CRM database.
    /// </summary>
    /// <param name="timeProvider">Stamps nothing today; kept for migrations that backfill timestamps.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The schema version after migration.</returns>
    public async Task<int> InitializeAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var mode = await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new CrmException(CrmErrorCodes.Unavailable, $"The CRM database at {Options.DatabasePath} cannot use WAL mode (got '{mode}').");
            }

            var version = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;").ConfigureAwait(false);
            if (version > EmbeddedCrmMigrations.LatestVersion)
            {
                throw new CrmException(CrmErrorCodes.Unavailable,
                    $"The CRM database at {Options.DatabasePath} has schema version {version}, newer than this server understands ({EmbeddedCrmMigrations.LatestVersion}). Upgrade governed-crm.");
            }

            if (version > 0)
            {
                var check = await connection.ExecuteScalarAsync<string>("PRAGMA quick_check;").ConfigureAwait(false);
                if (!string.Equals(check, "ok", StringComparison.Ordinal))
                {
                    throw new CrmException(CrmErrorCodes.Unavailable, $"The CRM database at {Options.DatabasePath} failed its integrity check: {check}.");
                }
            }

            foreach (var migration in EmbeddedCrmMigrations.All.Where(m => m.Version > version))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

                // Several servers may start on a new data folder at once: the version read above can be stale, so it
                // is read again under the write lock and a migration another process applied meanwhile is skipped.
                var current = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;", transaction: transaction).ConfigureAwait(false);
                if (current >= migration.Version)
                {
                    version = current;
                    continue;
                }

                await connection.ExecuteAsync(migration.Sql, transaction: transaction).ConfigureAwait(false);
                if (migration.Version == 1 && Options.SeedDemoData)
                {
                    await DemoDataSeed.InsertAsync(connection, transaction).ConfigureAwait(false);
                }

                await connection.ExecuteAsync($"PRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};", transaction: transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                version = migration.Version;
            }

            return version;
        }
        catch (SqliteException ex)
        {
            throw new CrmException(CrmErrorCodes.Unavailable,
                $"The CRM database at {Options.DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.");
        }
    }
}
