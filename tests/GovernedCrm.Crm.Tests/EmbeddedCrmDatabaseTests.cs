using GovernedCrm.Crm.Embedded;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Crm.Tests;

public sealed class EmbeddedCrmDatabaseTests
{
    [Fact]
    public async Task InitializeAsync_NewFile_UsesWalMode()
    {
        await using var crm = await TempCrm.CreateAsync();
        await using var connection = new SqliteConnection($"Data Source={crm.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        (await command.ExecuteScalarAsync()).Should().Be("wal");
    }

    [Fact]
    public async Task InitializeAsync_GarbageFile_FailsWithClearError()
    {
        using var folder = new TempFolder("governedcrm-crm-");
        var path = folder.File(EmbeddedCrmOptions.FileName);
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var act = () => new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = path }).InitializeAsync(TimeProvider.System, CancellationToken.None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Message.Should().Contain(path).And.Contain("not a database");
    }

    [Fact]
    public async Task InitializeAsync_SchemaFromTheFuture_RefusesToDowngrade()
    {
        await using var crm = await TempCrm.CreateAsync();
        await using (var connection = new SqliteConnection($"Data Source={crm.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var act = () => new EmbeddedCrmDatabase(crm.Database.Options).InitializeAsync(TimeProvider.System, CancellationToken.None);

        (await act.Should().ThrowAsync<CrmException>()).Which.Message.Should().Contain("schema version 99").And.Contain("Upgrade");
    }
}
