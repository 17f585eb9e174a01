using GovernedCrm.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Crm.Embedded;

/// <summary>
/// The embedded CRM's SQLite file: opens connections with the pragmas every connection needs, and creates
/// or migrates the schema (tracked in <c>PRAGMA user_version</c>) on first use.
/// </summary>
public sealed class EmbeddedCrmDatabase
{
    private readonly SqliteDatabaseFile _file;
    private readonly SqliteSchema _schema;

    /// <summary>Creates the database accessor; nothing is opened until <see cref="InitializeAsync"/> or a query.</summary>
    /// <param name="options">Where the file is.</param>
    public EmbeddedCrmDatabase(EmbeddedCrmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _file = new SqliteDatabaseFile(
            options.DatabasePath,
            options.ReadOnly ? SqliteAccess.ReadOnly : SqliteAccess.ReadWriteCreate,
            options.BusyTimeout,
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        _schema = new SqliteSchema(EmbeddedCrmMigrations.All, Problem) { RequireWal = true, QuickCheckExisting = true };
    }

    /// <summary>The options this database was opened with.</summary>
    public EmbeddedCrmOptions Options { get; }

    /// <summary>Opens a connection with foreign keys on and a busy timeout.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection; dispose it.</returns>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

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
            return await _schema.MigrateAsync(connection, cancellationToken, SeedAsync).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new CrmException(CrmErrorCodes.Unavailable,
                $"The CRM database at {Options.DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.");
        }
    }

    // The demo data goes into a new database, in the transaction of the first migration.
    private Task SeedAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteMigration migration) =>
        migration.Version == 1 && Options.SeedDemoData ? DemoDataSeed.InsertAsync(connection, transaction) : Task.CompletedTask;

    private CrmException Problem(SqliteSchemaProblem problem) => new(CrmErrorCodes.Unavailable, problem.Kind switch
    {
        SqliteSchemaProblemKind.NotWal => $"The CRM database at {Options.DatabasePath} cannot use WAL mode (got '{problem.Detail}').",
        SqliteSchemaProblemKind.NewerVersion =>
            $"The CRM database at {Options.DatabasePath} has schema version {problem.Version}, newer than this server understands ({problem.LatestVersion}). Upgrade governed-crm.",
        SqliteSchemaProblemKind.IntegrityCheckFailed => $"The CRM database at {Options.DatabasePath} failed its integrity check: {problem.Detail}.",
        _ => $"The file at {Options.DatabasePath} is not a CRM database.",
    });
}
