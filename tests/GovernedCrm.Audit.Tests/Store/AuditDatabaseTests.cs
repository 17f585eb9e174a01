using GovernedCrm.Audit.Store;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Tests.Store;

public sealed class AuditDatabaseTests
{
    [Fact]
    public async Task InitializeAsync_VersionOneFile_DropsTheExecutionIndexAndKeepsEntries()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        await audit.AppendAndCloseAsync(25);
        await ExecAsync(audit.Paths.DatabasePath, "CREATE INDEX audit_entries_execution ON audit_entries (execution_id); PRAGMA user_version = 1;");

        await audit.OpenAsync(checkpointEvery: 10);
        await audit.AppendAsync(5);
        await audit.CloseAsync();

        (await ScalarAsync(audit.Paths.DatabasePath, "PRAGMA user_version;")).Should().Be(3);
        (await ScalarAsync(audit.Paths.DatabasePath, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_entries_execution';")).Should().Be(0);
        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(30);
    }

    [Fact]
    public async Task InitializeAsync_NewerVersion_IsRefused()
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.AppendAndCloseAsync(1);
        await ExecAsync(audit.Paths.DatabasePath, "PRAGMA user_version = 4;");

        var open = () => audit.OpenAsync();

        (await open.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("schema version 4");
    }

    [Fact]
    public async Task Writer_StoresEveryEntryAndEveryCheckpointNote_UnderGroupCommit()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 500);

        // Checkpoint notes ride along in the next group's transaction; none may be lost on the way.
        await Task.WhenAll(Enumerable.Range(0, 12_000).Select(i =>
            audit.Writer!.AppendAsync(Entries.AuditEntryCodecTests.SampleRecord(executionId: $"e{i}"), CancellationToken.None).AsTask()));
        await audit.CloseAsync();

        (await ScalarAsync(audit.Paths.DatabasePath, "SELECT count(*) FROM audit_entries;")).Should().Be(12_000);
        // One checkpoint once 500 new entries are committed; a group holds up to 512, so each covers 500 to 1,011.
        (await ScalarAsync(audit.Paths.DatabasePath, "SELECT count(*) FROM audit_checkpoints;")).Should().BeGreaterThanOrEqualTo(12);
        (await ScalarAsync(audit.Paths.DatabasePath, "SELECT max(size) FROM audit_checkpoints;")).Should().Be(12_000, "the final checkpoint covers every entry");
        (await ScalarAsync(audit.Paths.DatabasePath, "SELECT count(*) FROM audit_checkpoints c1 JOIN audit_checkpoints c2 ON c2.size = (SELECT min(size) FROM audit_checkpoints WHERE size > c1.size) WHERE c2.size - c1.size > 1011;"))
            .Should().Be(0, "no gap between consecutive checkpoints is larger than a checkpoint interval plus one group");
        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
    }

    private static async Task ExecAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
