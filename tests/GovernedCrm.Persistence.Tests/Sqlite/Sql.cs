using Microsoft.Data.Sqlite;

namespace GovernedCrm.Persistence.Tests.Sqlite;

/// <summary>Plain SQL on a connection, and a plain connection to a file, for setting up and inspecting databases.</summary>
internal static class Sql
{
    public static async Task<SqliteConnection> OpenPlainAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 10 }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = await OpenPlainAsync(path);
        return await ScalarAsync(connection, sql);
    }

    public static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = await OpenPlainAsync(path);
        await ExecuteAsync(connection, sql);
    }
}
