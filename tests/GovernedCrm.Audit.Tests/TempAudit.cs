using GovernedCrm.Audit.Store;
using GovernedCrm.Audit.Tests.Entries;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Audit.Witnesses;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.Audit.Tests;

/// <summary>An audit trail in a temporary folder (real SQLite file, real key file and anchor), with tamper helpers.</summary>
internal sealed class TempAudit : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private TempAudit(TempFolder folder, FakeTimeProvider time)
    {
        _folder = folder;
        Paths = AuditPaths.InDataFolder(folder.Path);
        Time = time;
    }

    public string Folder => _folder.Path;

    public AuditPaths Paths { get; }

    public FakeTimeProvider Time { get; }

    public AuditWriter? Writer { get; private set; }

    public string VerifierKey { get; private set; } = "";

    public static async Task<TempAudit> CreateAsync(int checkpointEvery = 1000, int walCheckpointEvery = 4096, IReadOnlyList<WitnessTarget>? witnesses = null)
    {
        var audit = new TempAudit(new TempFolder("governedcrm-audit-"), new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)));
        await audit.OpenAsync(checkpointEvery, walCheckpointEvery, witnesses);
        return audit;
    }

    /// <summary>Opens the writer; with witnesses, it publishes to them (short timeouts and retries: a test advances <see cref="Time"/> past a backoff).</summary>
    public async Task OpenAsync(int checkpointEvery = 1000, int walCheckpointEvery = 4096, IReadOnlyList<WitnessTarget>? witnesses = null)
    {
        Writer = await AuditTrailFactory.OpenAsync(
            Paths, Time, NullLoggerFactory.Instance,
            new AuditStoreOptions
            {
                DatabasePath = "",
                CheckpointEveryEntries = checkpointEvery,
                WalCheckpointEveryEntries = walCheckpointEvery,
                BusyTimeout = TimeSpan.FromMilliseconds(500),
                BusyRetry = TimeSpan.FromMilliseconds(500),
                Witnesses = witnesses ?? [],
                WitnessPublishing = new WitnessPublisherOptions
                {
                    RequestTimeout = TimeSpan.FromSeconds(2),
                    RetryMin = TimeSpan.FromSeconds(1),
                    RetryMax = TimeSpan.FromSeconds(4),
                    ShutdownGrace = TimeSpan.FromSeconds(5),
                },
            },
            CancellationToken.None);
        using var key = GovernedCrm.Audit.Checkpoints.AuditSigningKey.LoadOrCreate(Paths.KeyFilePath, AuditTrailFactory.KeyName);
        VerifierKey = key.VerifierKey;
    }

    /// <summary>Appends <paramref name="count"/> entries to a tenant's chain, then closes the writer (signing a final checkpoint).</summary>
    public async Task AppendAndCloseAsync(int count, string tenant = "default")
    {
        await AppendAsync(count, tenant);
        await CloseAsync();
    }

    public async Task AppendAsync(int count, string tenant = "default")
    {
        for (var i = 0; i < count; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(7));
            await Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(tenant, $"exec-{tenant}-{i}"), CancellationToken.None);
        }
    }

    /// <summary>Holds the database's write lock, as another process would (BEGIN IMMEDIATE), until <see cref="ReleaseAsync"/>.</summary>
    public async Task<SqliteConnection> LockAsync()
    {
        var locker = new SqliteConnection($"Data Source={Paths.DatabasePath};Pooling=False");
        await locker.OpenAsync();
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return locker;
    }

    /// <summary>Releases a lock taken with <see cref="LockAsync"/>.</summary>
    public static async Task ReleaseAsync(SqliteConnection locker)
    {
        await using var rollback = locker.CreateCommand();
        rollback.CommandText = "ROLLBACK;";
        await rollback.ExecuteNonQueryAsync();
    }

    public async Task CloseAsync()
    {
        if (Writer is not null)
        {
            await Writer.DisposeAsync();
            Writer = null;
        }

        SqliteConnection.ClearAllPools();
    }

    public Task<VerifyReport> VerifyAsync(string? tenant = null, bool useAnchor = true, string? verifierKey = null) =>
        AuditVerifier.VerifyAsync(Paths.DatabasePath, verifierKey ?? VerifierKey, useAnchor ? Paths.AnchorPath : null, tenant, null, CancellationToken.None);

    /// <summary>Runs SQL against the file as an attacker with write access would: the append-only triggers dropped first.</summary>
    public async Task TamperAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={Paths.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS audit_entries_append_only_update; DROP TRIGGER IF EXISTS audit_entries_append_only_delete; " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<byte[]> BodyAsync(long seq, string chain = "default")
    {
        await using var connection = new SqliteConnection($"Data Source={Paths.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM audit_entries WHERE chain = $c AND seq = $s";
        command.Parameters.AddWithValue("$c", chain);
        command.Parameters.AddWithValue("$s", seq);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _folder.Dispose();
    }
}
