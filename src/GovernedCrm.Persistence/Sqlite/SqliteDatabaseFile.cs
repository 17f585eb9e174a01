using System.Globalization;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Persistence.Sqlite;

/// <summary>
/// One SQLite file and how every connection to it is opened: the connection string (access, pooling, private cache,
/// busy timeout) and the pragmas run on each new connection, in this order: <c>busy_timeout</c> (when a busy timeout
/// is given), the database's own pragmas, then <c>query_only = ON</c> for <see cref="SqliteAccess.ReadOnly"/>.
/// </summary>
public sealed class SqliteDatabaseFile
{
    private readonly string _pragmas;

    /// <summary>Describes the file; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="access">How it is opened.</param>
    /// <param name="busyTimeout">
    /// How long a statement waits for another connection's lock (the connection string's default timeout, rounded up
    /// to whole seconds, and <c>PRAGMA busy_timeout</c>); null leaves both at Microsoft.Data.Sqlite's defaults.
    /// </param>
    /// <param name="pragmas">The database's own pragmas for every connection, e.g. <c>"PRAGMA synchronous = FULL;"</c>; may be empty.</param>
    public SqliteDatabaseFile(string path, SqliteAccess access, TimeSpan? busyTimeout, string pragmas)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(pragmas);
        Path = path;
        Access = access;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = access == SqliteAccess.ReadOnly ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = access != SqliteAccess.ReadOnly,
        };
        var parts = new List<string>(3);
        if (busyTimeout is { } timeout)
        {
            builder.DefaultTimeout = (int)Math.Ceiling(timeout.TotalSeconds);
            parts.Add($"PRAGMA busy_timeout = {((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)};");
        }

        if (pragmas.Length > 0)
        {
            parts.Add(pragmas);
        }

        if (access == SqliteAccess.ReadOnly)
        {
            parts.Add("PRAGMA query_only = ON;");
        }

        ConnectionString = builder.ToString();
        _pragmas = string.Join(' ', parts);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>How it is opened.</summary>
    public SqliteAccess Access { get; }

    /// <summary>The connection string every connection uses.</summary>
    public string ConnectionString { get; }

    /// <summary>The pragmas run on every new connection, before <c>extraPragmas</c>.</summary>
    public string Pragmas => _pragmas;

    /// <summary>Opens a connection and runs <see cref="Pragmas"/> on it, then <paramref name="extraPragmas"/>.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <param name="extraPragmas">Pragmas for this connection only (e.g. a writer's), appended after a space; null for none.</param>
    /// <returns>An open connection; dispose it.</returns>
    /// <exception cref="SqliteException">The file cannot be opened (missing, for <see cref="SqliteAccess.ReadOnly"/>) or a pragma fails.</exception>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken, string? extraPragmas = null)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var text = extraPragmas is null ? _pragmas : _pragmas + " " + extraPragmas;
            if (text.Length > 0)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = text;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
