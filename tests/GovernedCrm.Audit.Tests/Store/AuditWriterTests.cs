using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Store;
using GovernedCrm.Audit.Tests.Entries;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Audit.Tests.Store;

public sealed class AuditWriterTests
{
    [Fact]
    public async Task AppendAsync_ConcurrentCallers_OneLinearChainThatVerifies()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 100);

        var receipts = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i =>
            audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(executionId: $"e{i}"), CancellationToken.None).AsTask()));
        await audit.CloseAsync();

        receipts.Select(r => r.Sequence).Should().BeEquivalentTo(Enumerable.Range(0, 2000).Select(i => (long)i));
        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(2000);
    }

    [Fact]
    public async Task AppendAsync_SustainedConcurrentAppends_WalRestartsInsteadOfGrowing()
    {
        // 32 callers that never pause: a passive checkpoint alone never catches up with them, so without the writer's
        // catch-up the WAL would only grow (to more bytes than all the bodies together, as every commit also rewrites
        // the tree pages it touches).
        const int Callers = 32;
        const int PerCaller = 500;
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 1000, walCheckpointEvery: 256);

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < PerCaller; i++)
            {
                await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(executionId: $"c{c}-{i}"), CancellationToken.None);
            }
        })));

        // SQLite never shrinks the WAL file by itself, so its size now is the most it ever held.
        var walBytes = new FileInfo(audit.Paths.DatabasePath + "-wal").Length;
        var bodyBytes = (long)(await audit.BodyAsync(0)).Length * Callers * PerCaller;
        walBytes.Should().BeLessThan(bodyBytes / 3, "the WAL should restart every few hundred entries ({0} bytes of bodies appended)", bodyBytes);

        await audit.CloseAsync();
        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(Callers * PerCaller);
    }

    [Fact]
    public async Task AppendAsync_TwoWritersOnOneFile_NeverFork()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 50);
        await using var second = await AuditTrailFactory.OpenAsync(audit.Paths, audit.Time, NullLoggerFactory.Instance,
            new AuditStoreOptions { DatabasePath = "", CheckpointEveryEntries = 50 }, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 600).Select(i =>
            (i % 2 == 0 ? audit.Writer! : second).AppendAsync(AuditEntryCodecTests.SampleRecord(executionId: $"e{i}"), CancellationToken.None).AsTask()));
        await second.DisposeAsync();
        await audit.CloseAsync();

        var report = await audit.VerifyAsync();
        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(600);
    }

    [Fact]
    public async Task AppendAsync_SeparateTenants_SeparateChains()
    {
        await using var audit = await TempAudit.CreateAsync();

        var first = await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord("default"), CancellationToken.None);
        var other = await audit.Writer.AppendAsync(AuditEntryCodecTests.SampleRecord("northwind"), CancellationToken.None);
        var second = await audit.Writer.AppendAsync(AuditEntryCodecTests.SampleRecord("default"), CancellationToken.None);
        await audit.CloseAsync();

        (first.Sequence, other.Sequence, second.Sequence).Should().Be((0L, 0L, 1L));
        (await audit.VerifyAsync()).Entries.Should().Be(3);
    }

    [Fact]
    public async Task AppendAsync_DatabaseLockedByAnotherProcess_FailsClosedWithClearError()
    {
        await using var audit = await TempAudit.CreateAsync();
        await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        await using var locker = await audit.LockAsync();

        var act = async () => await audit.Writer.AppendAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);

        (await act.Should().ThrowAsync<AuditUnavailableException>()).Which.Message.Should().Contain("locked");
        await TempAudit.ReleaseAsync(locker);

        var after = await audit.Writer.AppendAsync(AuditEntryCodecTests.SampleRecord(), CancellationToken.None);
        after.Sequence.Should().Be(1, "the failed entry was never committed, and the writer recovers");
    }

    [Fact]
    public async Task DisposeAsync_SignsFinalCheckpointIntoDatabaseAndAnchor()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 1000);
        await audit.AppendAndCloseAsync(7);

        var notes = new AnchorFile(audit.Paths.AnchorPath).ReadNotes();

        notes.Should().ContainSingle();
        NoteVerifier.TryVerifyCheckpoint(notes[0], audit.VerifierKey, out var checkpoint).Should().BeTrue();
        checkpoint!.Size.Should().Be(7);
        checkpoint.Origin.Should().Be("governed-crm/audit/default");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task OpenAsync_KeyFileKeptOutsideDatabaseWithOwnerOnlyMode()
    {
        await using var audit = await TempAudit.CreateAsync();

        File.Exists(audit.Paths.KeyFilePath).Should().BeTrue();
        Path.GetDirectoryName(audit.Paths.KeyFilePath).Should().NotBe(Path.GetDirectoryName(audit.Paths.DatabasePath));
        File.GetUnixFileMode(audit.Paths.KeyFilePath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await File.ReadAllBytesAsync(audit.Paths.DatabasePath)).AsSpan().IndexOf("PRIVATE"u8).Should().Be(-1);
    }
}
