using GovernedCrm.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Persistence.Tests.Sqlite;

public sealed class SqliteSchemaTests : IDisposable
{
    private const int AppId = 0x54455354;

    // Each step leaves a row behind, so a test can see that every step ran exactly once.
    private static readonly SqliteMigration[] Steps =
    [
        new(1, "CREATE TABLE steps (version INTEGER NOT NULL); INSERT INTO steps VALUES (1);"),
        new(2, "INSERT INTO steps VALUES (2);"),
        new(3, "CREATE TABLE more (x INTEGER); INSERT INTO steps VALUES (3);"),
    ];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string DatabasePath => _temp.File("test.db");

    [Fact]
    public async Task MigrateAsync_NewFile_AppliesEveryStepInOrderStampsTheVersionAndTheApplicationId()
    {
        var applied = new List<int>();

        var version = await MigrateAsync(Schema(), (_, _, step) =>
        {
            applied.Add(step.Version);
            return Task.CompletedTask;
        });

        version.Should().Be(3);
        applied.Should().Equal(1, 2, 3);
        (await Sql.ScalarAsync(DatabasePath, "PRAGMA user_version;")).Should().Be(3L);
        (await Sql.ScalarAsync(DatabasePath, "PRAGMA application_id;")).Should().Be((long)AppId);
        (await Sql.ScalarAsync(DatabasePath, "PRAGMA journal_mode;")).Should().Be("wal");
        (await Sql.ScalarAsync(DatabasePath, "SELECT group_concat(version) FROM steps;")).Should().Be("1,2,3");
    }

    [Fact]
    public async Task MigrateAsync_CurrentFile_ChangesNothing()
    {
        await MigrateAsync(Schema());
        var called = false;

        var version = await MigrateAsync(Schema(), (_, _, _) =>
        {
            called = true;
            return Task.CompletedTask;
        });

        version.Should().Be(3);
        called.Should().BeFalse();
        (await Sql.ScalarAsync(DatabasePath, "SELECT count(*) FROM steps;")).Should().Be(3L);
    }

    [Fact]
    public async Task MigrateAsync_OlderFile_AppliesOnlyThePendingSteps()
    {
        await MigrateAsync(new SqliteSchema(Steps[..1], Throw) { ApplicationId = AppId });

        var version = await MigrateAsync(Schema());

        version.Should().Be(3);
        (await Sql.ScalarAsync(DatabasePath, "SELECT group_concat(version) FROM steps;")).Should().Be("1,2,3");
    }

    [Fact]
    public async Task MigrateAsync_NewerFile_RefusedAsNewerVersionAndLeftAlone()
    {
        await MigrateAsync(Schema());
        await Sql.ExecuteAsync(DatabasePath, "PRAGMA user_version = 9;");

        var migrate = () => MigrateAsync(Schema());

        var problem = (await migrate.Should().ThrowAsync<ProblemException>()).Which.Problem;
        problem.Should().Be(new SqliteSchemaProblem(SqliteSchemaProblemKind.NewerVersion, 9, 3, null));
        (await Sql.ScalarAsync(DatabasePath, "PRAGMA user_version;")).Should().Be(9L);
    }

    [Theory]
    [InlineData("CREATE TABLE deals (id INTEGER PRIMARY KEY);")]
    [InlineData("PRAGMA application_id = 1234;")]
    [InlineData("PRAGMA user_version = 1;")]
    public async Task MigrateAsync_AnotherApplicationsFile_RefusedAsForeignAndLeftAlone(string setup)
    {
        await Sql.ExecuteAsync(DatabasePath, setup);

        var migrate = () => MigrateAsync(Schema());

        (await migrate.Should().ThrowAsync<ProblemException>()).Which.Problem.Kind.Should().Be(SqliteSchemaProblemKind.ForeignFile);
        (await Sql.ScalarAsync(DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'steps';")).Should().Be(0L);
    }

    [Fact]
    public async Task MigrateAsync_SchemaWithoutApplicationId_NeitherStampsNorChecksOne()
    {
        await Sql.ExecuteAsync(DatabasePath, "PRAGMA application_id = 1234;");

        var version = await MigrateAsync(new SqliteSchema(Steps, Throw));

        version.Should().Be(3);
        (await Sql.ScalarAsync(DatabasePath, "PRAGMA application_id;")).Should().Be(1234L);
    }

    [Fact]
    public async Task MigrateAsync_RequireWalOnAFileThatCannotUseIt_RefusedAsNotWalWithTheMode()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();

        var migrate = () => Schema().MigrateAsync(connection, CancellationToken.None);

        var problem = (await migrate.Should().ThrowAsync<ProblemException>()).Which.Problem;
        problem.Kind.Should().Be(SqliteSchemaProblemKind.NotWal);
        problem.Detail.Should().Be("memory");
        (await new SqliteSchema(Steps, Throw).MigrateAsync(connection, CancellationToken.None)).Should().Be(3, "WAL is only required when asked");
    }

    [Fact]
    public async Task MigrateAsync_SeveralProcessesOnANewFile_EachStepRunsOnce()
    {
        var file = new SqliteDatabaseFile(DatabasePath, SqliteAccess.ReadWriteCreate, TimeSpan.FromSeconds(10), "");
        using var start = new ManualResetEventSlim();
        var migrators = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            await using var connection = await file.OpenAsync(CancellationToken.None);
            return await Schema().MigrateAsync(connection, CancellationToken.None);
        })).ToArray();

        start.Set();
        var versions = await Task.WhenAll(migrators);

        versions.Should().AllBeEquivalentTo(3);
        (await Sql.ScalarAsync(DatabasePath, "SELECT group_concat(version) FROM steps;")).Should().Be("1,2,3");
    }

    [Fact]
    public async Task MigrateAsync_AnotherProcessMigratesAfterThisOneReadTheVersion_StepsItAppliedAreSkipped()
    {
        var file = new SqliteDatabaseFile(DatabasePath, SqliteAccess.ReadWriteCreate, TimeSpan.FromSeconds(20), "");
        using var firstHoldsTheLock = new SemaphoreSlim(0);
        using var releaseFirst = new SemaphoreSlim(0);
        var first = Task.Run(async () =>
        {
            await using var connection = await file.OpenAsync(CancellationToken.None);
            return await Schema().MigrateAsync(connection, CancellationToken.None, async (_, _, step) =>
            {
                if (step.Version == 1)
                {
                    firstHoldsTheLock.Release();
                    await releaseFirst.WaitAsync();
                }
            });
        });
        await firstHoldsTheLock.WaitAsync();

        // The second reads version 0 (the first has not committed), then waits for the write lock.
        var second = Task.Run(async () =>
        {
            await using var connection = await file.OpenAsync(CancellationToken.None);
            return await Schema().MigrateAsync(connection, CancellationToken.None);
        });
        await Task.Delay(500);
        releaseFirst.Release();

        (await Task.WhenAll(first, second)).Should().Equal(3, 3);
        (await Sql.ScalarAsync(DatabasePath, "SELECT group_concat(version) FROM steps;")).Should().Be("1,2,3");
    }

    [Fact]
    public async Task ReadVersionAsync_NewFile_ReadsZeroAndChangesNothing()
    {
        await using var connection = await Sql.OpenPlainAsync(DatabasePath);

        (await Schema().ReadVersionAsync(connection, null, CancellationToken.None)).Should().Be(0);

        (await Sql.ScalarAsync(connection, "PRAGMA application_id;")).Should().Be(0L);
        (await Sql.ScalarAsync(connection, "SELECT count(*) FROM sqlite_schema;")).Should().Be(0L);
    }

    [Fact]
    public void Constructor_VersionsNotIncreasing_Refused()
    {
        var empty = () => new SqliteSchema([], Throw);
        var repeated = () => new SqliteSchema([new(1, ""), new(1, "")], Throw);
        var zero = () => new SqliteSchema([new(0, "")], Throw);

        empty.Should().Throw<ArgumentException>();
        repeated.Should().Throw<ArgumentException>();
        zero.Should().Throw<ArgumentException>();
        new SqliteSchema([new(1, ""), new(4, "")], Throw).LatestVersion.Should().Be(4);
    }

    private static SqliteSchema Schema() => new(Steps, Throw) { ApplicationId = AppId, RequireWal = true, QuickCheckExisting = true };

    private static ProblemException Throw(SqliteSchemaProblem problem) => new(problem);

    private async Task<int> MigrateAsync(SqliteSchema schema, Func<SqliteConnection, SqliteTransaction, SqliteMigration, Task>? afterMigration = null)
    {
        var file = new SqliteDatabaseFile(DatabasePath, SqliteAccess.ReadWriteCreate, TimeSpan.FromSeconds(5), "");
        await using var connection = await file.OpenAsync(CancellationToken.None);
        return await schema.MigrateAsync(connection, CancellationToken.None, afterMigration);
    }

    private sealed class ProblemException(SqliteSchemaProblem problem) : Exception(problem.Kind.ToString())
    {
        public SqliteSchemaProblem Problem { get; } = problem;
    }
}
