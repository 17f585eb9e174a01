using GovernedCrm.Store.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Store.Tests.Vault;

/// <summary>A temporary data folder with a governance.db for vault tests, plus raw SQL access to tamper with rows.</summary>
internal sealed class VaultFolder : IDisposable
{
    private readonly TempGovernanceFolder _temp = new();

    public string Folder => _temp.Folder;

    public string DatabasePath => _temp.DatabasePath;

    public string KeyFilePath => VaultKeyRing.KeyFilePathIn(Folder);

    public async Task<SqliteTokenVault> OpenAsync(VaultKeyRing? keys, ILogger<SqliteTokenVault>? logger = null)
    {
        var database = new GovernanceDatabase(DatabasePath);
        await database.InitializeAsync(CancellationToken.None);
        return new SqliteTokenVault(database, keys, TimeProvider.System, logger);
    }

    public Task<T> ScalarAsync<T>(string sql) => _temp.ScalarAsync<T>(sql);

    public Task ExecuteAsync(string sql) => _temp.ExecuteAsync(sql);

    public async Task<byte[]> ReadBlobAsync(string column, string user, string provider)
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM token_vault WHERE user = $user AND provider = $provider";
        command.Parameters.AddWithValue("$user", user);
        command.Parameters.AddWithValue("$provider", provider);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    public async Task WriteColumnAsync(string column, object value, string user, string provider)
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE token_vault SET {column} = $value WHERE user = $user AND provider = $provider";
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$user", user);
        command.Parameters.AddWithValue("$provider", provider);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }

    public void Dispose() => _temp.Dispose();

    private SqliteConnection Connect() => new(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
}
