using System.Globalization;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Persistence.Sqlite;

/// <summary>
/// A database's schema as an ordered list of migrations, tracked in <c>PRAGMA user_version</c> (and, when the schema
/// has one, stamped with <c>PRAGMA application_id</c> so another application's SQLite file is refused instead of
/// written into). <see cref="MigrateAsync"/> creates or upgrades a file; <see cref="ReadVersionAsync"/> only reads.
/// </summary>
/// <remarks>
/// Several processes may start on a new data folder at once: each migration runs in its own BEGIN IMMEDIATE
/// transaction that reads the version again under the write lock and skips a step another process applied meanwhile.
/// A file with a newer version than the list knows is refused, never touched.
/// </remarks>
public sealed class SqliteSchema
{
    /// <summary>Creates the schema.</summary>
    /// <param name="migrations">The migrations, versions strictly increasing from 1 or more.</param>
    /// <param name="problem">Words the error of each <see cref="SqliteSchemaProblem"/>, in the owning database's terms.</param>
    /// <exception cref="ArgumentException">The list is empty or its versions do not increase.</exception>
    public SqliteSchema(IReadOnlyList<SqliteMigration> migrations, Func<SqliteSchemaProblem, Exception> problem)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(problem);
        if (migrations.Count == 0)
        {
            throw new ArgumentException("A schema needs at least one migration.", nameof(migrations));
        }

        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version < 1 || (i > 0 && migrations[i].Version <= migrations[i - 1].Version))
            {
                throw new ArgumentException("Migration versions must start at 1 or more and increase strictly.", nameof(migrations));
            }
        }

        Migrations = migrations;
        Problem = problem;
    }

    /// <summary>The migrations, oldest first.</summary>
    public IReadOnlyList<SqliteMigration> Migrations { get; }

    /// <summary>Words the error of a problem.</summary>
    public Func<SqliteSchemaProblem, Exception> Problem { get; }

    /// <summary>The newest version: the last migration's.</summary>
    public int LatestVersion => Migrations[^1].Version;

    /// <summary>
    /// The <c>PRAGMA application_id</c> every migration stamps and every read checks; null for a schema without one
    /// (nothing stamped, nothing checked).
    /// </summary>
    public int? ApplicationId { get; init; }

    /// <summary>True when the file must be in WAL mode (<see cref="SqliteSchemaProblemKind.NotWal"/> otherwise).</summary>
    public bool RequireWal { get; init; }

    /// <summary>True to run <c>PRAGMA quick_check</c> on a file that already has a schema before migrating it.</summary>
    public bool QuickCheckExisting { get; init; }

    /// <summary>
    /// Creates the schema on a new file and applies pending migrations on <paramref name="connection"/> (a read-write
    /// connection): sets WAL mode, reads and checks the version, runs the quick check when asked, then applies each
    /// pending migration under BEGIN IMMEDIATE.
    /// </summary>
    /// <param name="connection">An open read-write connection to the file.</param>
    /// <param name="cancellationToken">Cancels the work between migrations.</param>
    /// <param name="afterMigration">
    /// Runs inside a migration's transaction after its SQL and before the version stamp (e.g. to seed data); null for none.
    /// </param>
    /// <returns>The schema version after migration.</returns>
    /// <exception cref="SqliteException">SQLite fails.</exception>
    public async Task<int> MigrateAsync(
        SqliteConnection connection,
        CancellationToken cancellationToken,
        Func<SqliteConnection, SqliteTransaction, SqliteMigration, Task>? afterMigration = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var mode = await ScalarAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false) as string;
        if (RequireWal && !string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw Problem(new SqliteSchemaProblem(SqliteSchemaProblemKind.NotWal, 0, LatestVersion, mode));
        }

        // One snapshot for the version, the application id and the tables: read one by one, another process's first
        // migration could commit in between, and a half-seen new file would look like someone else's database.
        int version;
        using (var snapshot = connection.BeginTransaction(deferred: true))
        {
            version = await ReadVersionAsync(connection, snapshot, cancellationToken).ConfigureAwait(false);
            await snapshot.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (version > 0 && QuickCheckExisting)
        {
            var check = await ScalarAsync(connection, null, "PRAGMA quick_check;", cancellationToken).ConfigureAwait(false) as string;
            if (!string.Equals(check, "ok", StringComparison.Ordinal))
            {
                throw Problem(new SqliteSchemaProblem(SqliteSchemaProblemKind.IntegrityCheckFailed, version, LatestVersion, check));
            }
        }

        foreach (var migration in Migrations)
        {
            if (migration.Version <= version)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction(deferred: false);

            // Another process may have migrated since the version was read: read it again under the write lock.
            var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (current >= migration.Version)
            {
                version = current;
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            if (afterMigration is not null)
            {
                await afterMigration(connection, transaction, migration).ConfigureAwait(false);
            }

            var stamp = ApplicationId is { } applicationId
                ? $"PRAGMA application_id = {applicationId.ToString(CultureInfo.InvariantCulture)}; PRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};"
                : $"PRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};";
            await ExecuteAsync(connection, transaction, stamp, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            version = migration.Version;
        }

        return version;
    }

    /// <summary>
    /// The file's schema version, after making sure it is this schema's file (its application id, unless the file is
    /// new: no application id, version 0, no table) and no newer than <see cref="LatestVersion"/>. Changes nothing.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction to read in (a snapshot), or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version (0 for a new file).</returns>
    /// <exception cref="SqliteException">SQLite fails.</exception>
    public async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var version = Convert.ToInt32(await ScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (ApplicationId is { } expected)
        {
            var applicationId = Convert.ToInt32(await ScalarAsync(connection, transaction, "PRAGMA application_id;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var tables = Convert.ToInt64(
                await ScalarAsync(connection, transaction, "SELECT count(*) FROM sqlite_schema WHERE type = 'table';", cancellationToken).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
            var isNew = applicationId == 0 && version == 0 && tables == 0;
            if (!isNew && applicationId != expected)
            {
                throw Problem(new SqliteSchemaProblem(SqliteSchemaProblemKind.ForeignFile, version, LatestVersion, null));
            }
        }

        if (version > LatestVersion)
        {
            throw Problem(new SqliteSchemaProblem(SqliteSchemaProblemKind.NewerVersion, version, LatestVersion, null));
        }

        return version;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
