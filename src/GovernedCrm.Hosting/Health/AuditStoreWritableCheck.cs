using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovernedCrm.Hosting.Health;

/// <summary>
/// Ready only if the audit database can take a write now: a connection of its own opens the file read-write (never
/// creating it) and takes SQLite's write lock (<c>BEGIN IMMEDIATE</c>), then lets go without writing anything. A file
/// made read-only, replaced, gone, or locked by another writer for longer than a second fails the check.
/// </summary>
/// <param name="databasePath">The audit database.</param>
internal sealed class AuditStoreWritableCheck(string databasePath) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 1,
        }.ToString();
        try
        {
            var connection = new SqliteConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = "PRAGMA busy_timeout = 1000; BEGIN IMMEDIATE; ROLLBACK;";
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return HealthCheckResult.Healthy();
        }
        catch (SqliteException)
        {
            // Nothing of the failure goes out: the endpoint answers a status only.
            return HealthCheckResult.Unhealthy();
        }
    }
}
