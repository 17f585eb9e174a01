using GovernedCrm.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Persistence.Tests.Sqlite;

public sealed class SqliteDatabaseFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ReadWriteCreate_ConnectionStringAndPragmas_AreTheDatabasesOwn()
    {
        var file = new SqliteDatabaseFile(_temp.File("a.db"), SqliteAccess.ReadWriteCreate, TimeSpan.FromMilliseconds(1500), "PRAGMA synchronous = FULL;");

        var builder = new SqliteConnectionStringBuilder(file.ConnectionString);
        builder.DataSource.Should().Be(_temp.File("a.db"));
        builder.Mode.Should().Be(SqliteOpenMode.ReadWriteCreate);
        builder.Cache.Should().Be(SqliteCacheMode.Private);
        builder.Pooling.Should().BeTrue();
        builder.DefaultTimeout.Should().Be(2, "whole seconds, rounded up");
        file.Pragmas.Should().Be("PRAGMA busy_timeout = 1500; PRAGMA synchronous = FULL;");
    }

    [Fact]
    public void ReadOnly_ConnectionStringAndPragmas_NeverCreateAndRefuseWrites()
    {
        var file = new SqliteDatabaseFile(_temp.File("a.db"), SqliteAccess.ReadOnly, TimeSpan.FromSeconds(5), "");
        var withoutTimeout = new SqliteDatabaseFile(_temp.File("a.db"), SqliteAccess.ReadOnly, busyTimeout: null, pragmas: "");

        var builder = new SqliteConnectionStringBuilder(file.ConnectionString);
        builder.Mode.Should().Be(SqliteOpenMode.ReadWrite, "opened read-write where the file allows, so no -wal or -shm stays behind");
        builder.Pooling.Should().BeFalse();
        file.Pragmas.Should().Be("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;");
        withoutTimeout.Pragmas.Should().Be("PRAGMA query_only = ON;");
        new SqliteConnectionStringBuilder(withoutTimeout.ConnectionString).DefaultTimeout.Should().Be(new SqliteConnectionStringBuilder().DefaultTimeout);
    }

    [Fact]
    public async Task OpenAsync_ExtraPragmas_AppliedAfterTheDatabasesOwn()
    {
        var file = new SqliteDatabaseFile(_temp.File("a.db"), SqliteAccess.ReadWriteCreate, TimeSpan.FromSeconds(5), "PRAGMA synchronous = FULL;");

        await using var writer = await file.OpenAsync(CancellationToken.None, "PRAGMA wal_autocheckpoint = 0;");
        await using var reader = await file.OpenAsync(CancellationToken.None);

        (await Sql.ScalarAsync(writer, "PRAGMA busy_timeout;")).Should().Be(5000L);
        (await Sql.ScalarAsync(writer, "PRAGMA synchronous;")).Should().Be(2L, "FULL");
        (await Sql.ScalarAsync(writer, "PRAGMA wal_autocheckpoint;")).Should().Be(0L);
        (await Sql.ScalarAsync(reader, "PRAGMA wal_autocheckpoint;")).Should().Be(1000L, "the extra pragmas are the writer's only");
    }

    [Fact]
    public async Task ReadOnly_MissingFile_FailsWithoutCreatingIt()
    {
        var path = _temp.File("missing.db");
        var file = new SqliteDatabaseFile(path, SqliteAccess.ReadOnly, busyTimeout: null, pragmas: "");

        var open = () => file.OpenAsync(CancellationToken.None);

        await open.Should().ThrowAsync<SqliteException>();
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task ReadOnly_WalDatabase_ReadsRefusesWritesAndLeavesNoWalOrShmFile()
    {
        var path = _temp.File("a.db");
        await Sql.ExecuteAsync(path, "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);");

        var file = new SqliteDatabaseFile(path, SqliteAccess.ReadOnly, TimeSpan.FromSeconds(5), "");
        await using (var connection = await file.OpenAsync(CancellationToken.None))
        {
            (await Sql.ScalarAsync(connection, "SELECT x FROM t;")).Should().Be(7L);
            var write = () => Sql.ExecuteAsync(connection, "INSERT INTO t VALUES (8);");
            await write.Should().ThrowAsync<SqliteException>();
        }

        File.Exists(path + "-wal").Should().BeFalse();
        File.Exists(path + "-shm").Should().BeFalse();
    }
}
