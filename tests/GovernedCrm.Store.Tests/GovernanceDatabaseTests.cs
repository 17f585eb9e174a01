using Microsoft.Data.Sqlite;

namespace GovernedCrm.Store.Tests;

public sealed class GovernanceDatabaseTests : IDisposable
{
    private readonly TempGovernanceFolder _temp = new();

    [Fact]
    public async Task InitializeAsync_NewFile_WalSchemaVersionAndApplicationId()
    {
        var database = GovernanceDatabase.InDataFolder(_temp.Folder);

        var version = await database.InitializeAsync(CancellationToken.None);

        version.Should().Be(5);
        database.DatabasePath.Should().Be(_temp.DatabasePath);
        (await _temp.ScalarAsync<string>("PRAGMA journal_mode;")).Should().Be("wal");
        (await _temp.ScalarAsync<long>("PRAGMA user_version;")).Should().Be(5);
        (await _temp.ScalarAsync<long>("PRAGMA application_id;")).Should().Be(GovernanceDatabase.ApplicationId);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'approvals';")).Should().Be(1);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'token_vault';")).Should().Be(1);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'console_links';")).Should().Be(1);
    }

    [Fact]
    public async Task InitializeAsync_Version1File_AddsTheTokenVaultAndKeepsTheApprovals()
    {
        var store = await _temp.OpenStoreAsync();
        await store.CreateAsync(ApprovalRequests.Full(), CancellationToken.None);
        await _temp.ExecuteAsync(
            "DROP TABLE token_vault; DROP TABLE console_links; ALTER TABLE approvals DROP COLUMN requester_roles; ALTER TABLE approvals DROP COLUMN requester_source; ALTER TABLE approvals DROP COLUMN decision_seq; PRAGMA user_version = 1;");
        SqliteConnection.ClearAllPools();

        var version = await new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);

        version.Should().Be(5);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM approvals;")).Should().Be(1);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM token_vault;")).Should().Be(0);
        (await _temp.ScalarAsync<string>("SELECT requester_source FROM approvals;")).Should().Be("local", "proposals from before version 3 keep the local-user default");
    }

    [Fact]
    public async Task OpenAsync_Connection_HasBusyTimeoutAndSynchronousFull()
    {
        var database = new GovernanceDatabase(_temp.DatabasePath);
        await database.InitializeAsync(CancellationToken.None);

        await using var connection = await database.OpenAsync(CancellationToken.None);

        (await Scalar(connection, "PRAGMA busy_timeout;")).Should().Be(5000);
        (await Scalar(connection, "PRAGMA synchronous;")).Should().Be(2, "2 is FULL");
    }

    [Fact]
    public async Task InitializeAsync_Twice_KeepsTheDataAndTheVersion()
    {
        var store = await _temp.OpenStoreAsync();
        await store.CreateAsync(ApprovalRequests.Full(), CancellationToken.None);

        var version = await new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);

        version.Should().Be(5);
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM approvals;")).Should().Be(1);
    }

    [Fact]
    public async Task InitializeAsync_SeveralInstancesOnANewFileAtOnce_AllSucceedWithOneSchema()
    {
        for (var round = 0; round < 10; round++)
        {
            var path = Path.Combine(_temp.Folder, $"round{round}.db");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var initializations = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await new GovernanceDatabase(path).InitializeAsync(CancellationToken.None);
            })).ToList();

            start.SetResult();
            var versions = await Task.WhenAll(initializations);

            versions.Should().AllSatisfy(v => v.Should().Be(5));
            var store = new SqliteApprovalStore(new GovernanceDatabase(path));
            await store.CreateAsync(ApprovalRequests.Full(), CancellationToken.None);
            (await store.ListAsync(null, null, 10, CancellationToken.None)).Should().ContainSingle();
        }
    }

    [Fact]
    public async Task InitializeAsync_NewerSchema_RefusedWithAClearMessage()
    {
        await new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);
        await _temp.ExecuteAsync("PRAGMA user_version = 7;");
        SqliteConnection.ClearAllPools();

        var initialize = () => new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidDataException>()).Which.Message
            .Should().Contain("schema version 7").And.Contain("newer").And.Contain("(5)").And.Contain("Upgrade governed-crm").And.Contain(_temp.DatabasePath);
    }

    [Theory]
    [InlineData("CREATE TABLE deals (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;")]
    [InlineData("CREATE TABLE audit_entries (chain TEXT, seq INTEGER);")]
    [InlineData("PRAGMA application_id = 42;")]
    public async Task InitializeAsync_AnotherSqliteDatabase_RefusedAndLeftAlone(string otherSchema)
    {
        await _temp.ExecuteAsync(otherSchema);
        SqliteConnection.ClearAllPools();

        var initialize = () => new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("not a governance database");
        (await _temp.ScalarAsync<long>("SELECT count(*) FROM sqlite_schema WHERE name = 'approvals';")).Should().Be(0);
    }

    [Fact]
    public async Task InitializeAsync_NotADatabase_InvalidDataException()
    {
        await File.WriteAllTextAsync(_temp.DatabasePath, "this is not a SQLite database, just some text that is long enough to be a header page....");

        var initialize = () => new GovernanceDatabase(_temp.DatabasePath).InitializeAsync(CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain(_temp.DatabasePath);
    }

    public void Dispose() => _temp.Dispose();

    private static async Task<long> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
