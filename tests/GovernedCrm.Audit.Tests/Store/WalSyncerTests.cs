using GovernedCrm.Audit.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Audit.Tests.Store;

public sealed class WalSyncerTests
{
    [Fact]
    public async Task Groups_AreAcknowledgedInCommitOrder_AndDrainWaitsForEveryEarlierGroup()
    {
        var folder = Directory.CreateTempSubdirectory("governedcrm-walsync-").FullName;
        try
        {
            var path = Path.Combine(folder, "audit.db-wal");
            await File.WriteAllBytesAsync(path, new byte[4096]);
            using var wal = new WalFile(path);
            var order = new List<int>();
            var syncer = new WalSyncer(NullLogger.Instance);
            await using (syncer.ConfigureAwait(false))
            {
                var tickets = Enumerable.Range(0, 50).Select(i => new Recording(wal, i, order)).ToArray();
                foreach (var ticket in tickets)
                {
                    syncer.Enqueue(ticket);
                }

                await syncer.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

                tickets.Should().OnlyContain(t => t.Done.Task.IsCompletedSuccessfully, "a drain returns only after every earlier group is acknowledged");
                lock (order)
                {
                    order.Should().Equal(Enumerable.Range(0, 50), "groups are acknowledged in the order they were committed");
                }
            }

            (await syncer.DrainAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default))
                .Should().BeTrue("a stopped syncer has nothing left to drain");
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task Dispose_AcknowledgesEveryQueuedGroup()
    {
        var folder = Directory.CreateTempSubdirectory("governedcrm-walsync-").FullName;
        try
        {
            var path = Path.Combine(folder, "audit.db-wal");
            await File.WriteAllBytesAsync(path, new byte[4096]);
            using var wal = new WalFile(path);
            var order = new List<int>();
            var syncer = new WalSyncer(NullLogger.Instance);
            var tickets = Enumerable.Range(0, 20).Select(i => new Recording(wal, i, order)).ToArray();
            foreach (var ticket in tickets)
            {
                syncer.Enqueue(ticket);
            }

            await syncer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            tickets.Should().OnlyContain(t => t.Done.Task.IsCompletedSuccessfully);
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task DeferWalFlush_OnlyInWalMode()
    {
        var folder = Directory.CreateTempSubdirectory("governedcrm-walsync-").FullName;
        try
        {
            await using (var wal = new SqliteConnection($"Data Source={Path.Combine(folder, "wal.db")};Pooling=False"))
            {
                await wal.OpenAsync();
                await using (var command = wal.CreateCommand())
                {
                    command.CommandText = "PRAGMA journal_mode = WAL;";
                    await command.ExecuteNonQueryAsync();
                }

                AuditDatabase.DeferWalFlush(wal).Should().BeTrue();
                (await SynchronousAsync(wal)).Should().Be(1, "the writer's WAL-mode connection commits with NORMAL and flushes the WAL itself");
            }

            await using var rollback = new SqliteConnection($"Data Source={Path.Combine(folder, "rollback.db")};Pooling=False");
            await rollback.OpenAsync();
            await using (var command = rollback.CreateCommand())
            {
                command.CommandText = "PRAGMA synchronous = FULL;";
                await command.ExecuteNonQueryAsync();
            }

            AuditDatabase.DeferWalFlush(rollback).Should().BeFalse();
            (await SynchronousAsync(rollback)).Should().Be(2, "without a WAL every commit must stay durable by itself (FULL)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TempFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task Writer_OnTheDefaultWalFile_AcknowledgesOnlyCommittedEntries_AndTheChainVerifies()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 100);

        var receipts = await Task.WhenAll(Enumerable.Range(0, 3_000).Select(i =>
            audit.Writer!.AppendAsync(Entries.AuditEntryCodecTests.SampleRecord(executionId: $"w{i}"), CancellationToken.None).AsTask()));

        // The writer's open connection keeps the -wal file it flushes (SQLite deletes it only with the last connection).
        File.Exists(audit.Paths.DatabasePath + "-wal").Should().BeTrue("the audit database runs in WAL mode");

        // Every acknowledged entry is committed (readable from another connection) at acknowledgement time.
        await using (var reader = new SqliteConnection($"Data Source={audit.Paths.DatabasePath};Pooling=False;Mode=ReadOnly"))
        {
            await reader.OpenAsync();
            await using var command = reader.CreateCommand();
            command.CommandText = "SELECT count(*) FROM audit_entries;";
            ((long)(await command.ExecuteScalarAsync())!).Should().BeGreaterThanOrEqualTo(receipts.Length);
        }

        receipts.Select(r => r.Sequence).Should().OnlyHaveUniqueItems();
        await audit.CloseAsync();
        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(3_000);
    }

    private static async Task<long> SynchronousAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Recording(WalFile wal, int index, List<int> order) : DurableTicket(wal, 1)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Durable()
        {
            lock (order)
            {
                order.Add(index);
            }

            Done.TrySetResult();
        }

        public override void Failed(string reason) => Done.TrySetException(new IOException(reason));
    }
}
