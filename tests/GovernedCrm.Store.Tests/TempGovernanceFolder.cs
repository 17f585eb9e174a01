using Microsoft.Data.Sqlite;

namespace GovernedCrm.Store.Tests;

/// <summary>A governance.db file (WAL and locking need a file) in the kit's temporary folder, removed afterwards.</summary>
internal sealed class TempGovernanceFolder : IDisposable
{
    private readonly TempFolder _folder = new("governedcrm-store-");

    public string Folder => _folder.Path;

    public string DatabasePath => Path.Combine(Folder, GovernanceDatabase.FileName);

    public async Task<SqliteApprovalStore> OpenStoreAsync()
    {
        var database = new GovernanceDatabase(DatabasePath);
        await database.InitializeAsync(CancellationToken.None);
        return new SqliteApprovalStore(database);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _folder.Dispose();
}
