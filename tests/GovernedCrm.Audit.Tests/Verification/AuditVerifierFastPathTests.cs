using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Tests.Entries;
using GovernedCrm.Audit.Verification;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Tests.Verification;

/// <summary>
/// The fast (chunked, multi-threaded, byte-level) walk must report exactly what the reference walk reports:
/// same validity, position, code, detail and counts, for every tamper at every kind of place (first entry,
/// either side of a chunk boundary, a checkpoint size, the last entry), with small chunks so a 100-entry log is
/// split across several workers, with and without the direct OpenSSL and SQLite calls.
/// </summary>
public sealed class AuditVerifierFastPathTests(AuditVerifierFastPathTests.Template template) : IClassFixture<AuditVerifierFastPathTests.Template>
{
    private static readonly long[] Positions = [0, 1, 7, 8, 15, 16, 24, 25, 50, 63, 64, 96, 98, 99];

    private static readonly WalkTuning[] Tunings =
    [
        WalkTuning.Default,
        new(ChunkBits: 1, Workers: 0),
        new(ChunkBits: 3, Workers: 1),
        new(ChunkBits: 3, Workers: 2),
        new(ChunkBits: 4, Workers: 3),
        new(ChunkBits: 5, Workers: 2),
        new(ChunkBits: 3, Workers: 2, NativeCalls: false),
    ];

    public static TheoryData<string, long> Cases()
    {
        var data = new TheoryData<string, long>();
        foreach (var kind in Tamper.Kinds)
        {
            foreach (var position in Positions)
            {
                data.Add(kind, position);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FastPath_AfterTamper_ReportsExactlyWhatTheReferenceWalkReports(string kind, long position)
    {
        await using var copy = await template.CopyAsync();
        await copy.TamperAsync(kind, position);

        await ExpectSameReportsAsync(copy);
    }

    [Fact]
    public async Task FastPath_Untouched_ValidWithEveryTuning()
    {
        await using var copy = await template.CopyAsync();

        var reports = await ExpectSameReportsAsync(copy);

        reports.Should().OnlyContain(r => r.Valid && r.Entries == Template.Entries + Template.OtherEntries);
    }

    [Fact]
    public async Task FastPath_LargerLogWithDefaultChunks_SameReportsAsTheReferenceWalk()
    {
        // Several default-sized chunks (2^10) and the worker threads, through the real writer.
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 200);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord("default", $"exec-{worker}-{i}"), CancellationToken.None);
            }
        })));
        await audit.CloseAsync();
        var log = new Copy(audit.Folder, audit.VerifierKey, owned: false);

        (await ExpectSameReportsAsync(log)).Should().OnlyContain(r => r.Valid && r.Entries == 3200);
        foreach (var (kind, position) in new (string, long)[] { ("body", 2047), ("delete", 1024), ("rehash", 1023), ("actor", 3199), ("rehash", 3199), ("tail", 2048) })
        {
            await using var copy = await Copy.OfAsync(audit.Folder, audit.VerifierKey);
            await copy.TamperAsync(kind, position);
            (await ExpectSameReportsAsync(copy)).Should().OnlyContain(r => !r.Valid, $"{kind} at {position}");
        }
    }

    [Fact]
    public async Task FastPath_WhileTheWriterAppends_EveryVerifyValid()
    {
        // Workers read in their own snapshots; entries, checkpoints and the head must still agree with one another.
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 100);
        await audit.AppendAsync(2000);
        var appending = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord("default", $"exec-{worker}-{i}"), CancellationToken.None);
            }
        })));

        var reports = new List<VerifyReport>();
        while (!appending.IsCompleted || reports.Count < 4)
        {
            foreach (var tuning in new[] { WalkTuning.Default, new WalkTuning(ChunkBits: 6, Workers: 2) })
            {
                reports.Add(await AuditVerifier.VerifyAsync(audit.Paths.DatabasePath, audit.VerifierKey, audit.Paths.AnchorPath, tenant: null, progress: null, tuning, CancellationToken.None));
            }
        }

        await appending;
        reports.Should().OnlyContain(r => r.Valid, string.Join("; ", reports.Where(r => !r.Valid).Select(r => r.Summary)));
        reports.Select(r => r.Entries).Should().BeInAscendingOrder().And.Contain(e => e >= 2000);
    }

    private static async Task<List<VerifyReport>> ExpectSameReportsAsync(Copy copy)
    {
        var reference = await copy.VerifyAsync(new WalkTuning(FastPath: false));
        var reports = new List<VerifyReport> { reference };
        foreach (var tuning in Tunings)
        {
            var report = await copy.VerifyAsync(tuning);
            report.Should().BeEquivalentTo(reference, o => o.Excluding(r => r.Elapsed).Excluding(r => r.Summary), $"{tuning} must report what the reference walk reports ({reference.Summary})");
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>A two-chain trail (100 + 12 entries, checkpoints every 25), built once and copied per test.</summary>
    public sealed class Template : IAsyncLifetime
    {
        public const int Entries = 100;
        public const int OtherEntries = 12;

        private TempAudit? _audit;

        public async Task InitializeAsync()
        {
            _audit = await TempAudit.CreateAsync(checkpointEvery: 25);
            await _audit.AppendAsync(Entries, "default");
            await _audit.AppendAsync(OtherEntries, "northwind");
            await _audit.CloseAsync();
        }

        public Task<Copy> CopyAsync() => Copy.OfAsync(_audit!.Folder, _audit.VerifierKey);

        public async Task DisposeAsync()
        {
            if (_audit is not null)
            {
                await _audit.DisposeAsync();
            }
        }
    }

    /// <summary>A copy of a closed trail's folder (database, key, anchor) to tamper with.</summary>
    public sealed class Copy(string folder, string verifierKey, bool owned) : IAsyncDisposable
    {
        private string DatabasePath => Path.Combine(folder, "audit.db");

        public static Task<Copy> OfAsync(string source, string verifierKey)
        {
            var target = Directory.CreateTempSubdirectory("governedcrm-audit-copy-").FullName;
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }

            return Task.FromResult(new Copy(target, verifierKey, owned: true));
        }

        internal Task<VerifyReport> VerifyAsync(WalkTuning tuning) =>
            AuditVerifier.VerifyAsync(DatabasePath, verifierKey, Path.Combine(folder, "audit-checkpoints.anchor"), tenant: null, progress: null, tuning, CancellationToken.None);

        public async Task TamperAsync(string kind, long position)
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await Tamper.ApplyAsync(connection, kind, position);
        }

        public ValueTask DisposeAsync()
        {
            if (owned)
            {
                TempFolder.Delete(folder);
            }
            else
            {
                SqliteConnection.ClearAllPools();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Edits an attacker with write access could make, each at a given sequence number of chain 'default'.</summary>
    private static class Tamper
    {
        public static readonly string[] Kinds =
        [
            "body", "rehash", "trailing-rehash", "actor", "actor-blob", "ts", "event", "tool-null", "tool-empty", "execution",
            "delete", "swap", "duplicate", "forged", "tail", "tail-keep-head", "negative-seq", "text-seq", "real-seq",
            "move", "head", "checkpoint-deleted",
        ];

        public static async Task ApplyAsync(SqliteConnection connection, string kind, long p)
        {
            await ExecAsync(connection, "DROP TRIGGER IF EXISTS audit_entries_append_only_update; DROP TRIGGER IF EXISTS audit_entries_append_only_delete;");
            const string Row = "WHERE chain = 'default' AND seq = $p";
            const string Columns = "chain, seq, ts, actor, event, tool, execution_id, body, entry_hash";
            switch (kind)
            {
                case "body":
                    await ExecAsync(connection, $"UPDATE audit_entries SET body = $b {Row}", ("$b", Flip(await BodyAsync(connection, p))), ("$p", p));
                    break;
                case "rehash":
                    var edited = Flip(await BodyAsync(connection, p));
                    await ExecAsync(connection, $"UPDATE audit_entries SET body = $b, entry_hash = $h {Row}", ("$b", edited), ("$h", MerkleHasher.LeafHash(edited)), ("$p", p));
                    break;
                case "trailing-rehash":
                    byte[] longer = [.. await BodyAsync(connection, p), 0];
                    await ExecAsync(connection, $"UPDATE audit_entries SET body = $b, entry_hash = $h {Row}", ("$b", longer), ("$h", MerkleHasher.LeafHash(longer)), ("$p", p));
                    break;
                case "actor":
                    await ExecAsync(connection, $"UPDATE audit_entries SET actor = 'mallory' {Row}", ("$p", p));
                    break;
                case "actor-blob":
                    // The same bytes as a BLOB: the reference walk reads it as the same string, so this one is still valid.
                    await ExecAsync(connection, $"UPDATE audit_entries SET actor = CAST(actor AS BLOB) {Row}", ("$p", p));
                    break;
                case "ts":
                    await ExecAsync(connection, $"UPDATE audit_entries SET ts = ts + 1 {Row}", ("$p", p));
                    break;
                case "event":
                    await ExecAsync(connection, $"UPDATE audit_entries SET event = 'Executed' {Row}", ("$p", p));
                    break;
                case "tool-null":
                    await ExecAsync(connection, $"UPDATE audit_entries SET tool = NULL {Row}", ("$p", p));
                    break;
                case "tool-empty":
                    await ExecAsync(connection, $"UPDATE audit_entries SET tool = '' {Row}", ("$p", p));
                    break;
                case "execution":
                    await ExecAsync(connection, $"UPDATE audit_entries SET execution_id = 'exec-x' {Row}", ("$p", p));
                    break;
                case "delete":
                    await ExecAsync(connection, $"DELETE FROM audit_entries {Row}", ("$p", p));
                    break;
                case "swap":
                    var other = p == 99 ? 98 : p + 1;
                    await ExecAsync(connection, """
                        UPDATE audit_entries SET seq = -1 WHERE chain = 'default' AND seq = $p;
                        UPDATE audit_entries SET seq = $p WHERE chain = 'default' AND seq = $o;
                        UPDATE audit_entries SET seq = $o WHERE chain = 'default' AND seq = -1;
                        """, ("$p", p), ("$o", other));
                    break;
                case "duplicate":
                    await ExecAsync(connection, $"""
                        UPDATE audit_entries SET seq = seq + 1000 WHERE chain = 'default' AND seq > $p;
                        UPDATE audit_entries SET seq = seq - 999 WHERE chain = 'default' AND seq > $p + 1000;
                        INSERT INTO audit_entries ({Columns}) SELECT chain, $p + 1, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries {Row};
                        """, ("$p", p));
                    break;
                case "forged":
                    var previous = p == 0 ? new byte[32] : MerkleHasher.LeafHash(await BodyAsync(connection, p - 1));
                    var forged = AuditEntryCodec.Encode(new AuditEntry(AuditChains.Origin("default"), p, DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000), previous, AuditEntryCodecTests.SampleRecord()));
                    await ExecAsync(connection, $"""
                        UPDATE audit_entries SET seq = seq + 1000 WHERE chain = 'default' AND seq >= $p;
                        UPDATE audit_entries SET seq = seq - 999 WHERE chain = 'default' AND seq >= $p + 1000;
                        INSERT INTO audit_entries ({Columns}) VALUES ('default', $p, 1795000000000, 'alice', 'Proposed', 'CRM.UpdateRecord', 'exec-1', $b, $h);
                        UPDATE audit_heads SET size = size + 1 WHERE chain = 'default';
                        """, ("$p", p), ("$b", forged), ("$h", MerkleHasher.LeafHash(forged)));
                    break;
                case "tail":
                    await ExecAsync(connection, "DELETE FROM audit_entries WHERE chain = 'default' AND seq >= $p; UPDATE audit_heads SET size = $p WHERE chain = 'default';", ("$p", p));
                    break;
                case "tail-keep-head":
                    await ExecAsync(connection, "DELETE FROM audit_entries WHERE chain = 'default' AND seq >= $p;", ("$p", p));
                    break;
                case "negative-seq":
                    await ExecAsync(connection, $"INSERT INTO audit_entries ({Columns}) SELECT chain, -1 - $p, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries {Row}", ("$p", p));
                    break;
                case "text-seq":
                    await ExecAsync(connection, $"INSERT INTO audit_entries ({Columns}) SELECT chain, 'x' || $p, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries {Row}", ("$p", p));
                    break;
                case "real-seq":
                    await ExecAsync(connection, $"INSERT INTO audit_entries ({Columns}) SELECT chain, $p + 0.5, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries {Row}", ("$p", p));
                    break;
                case "move":
                    await ExecAsync(connection, $"UPDATE audit_entries SET chain = 'northwind', seq = seq + 12 {Row}", ("$p", p));
                    break;
                case "head":
                    await ExecAsync(connection, "UPDATE audit_heads SET size = size + $p + 1 WHERE chain = 'default'", ("$p", p));
                    break;
                case "checkpoint-deleted":
                    await ExecAsync(connection, "DELETE FROM audit_checkpoints WHERE chain = 'default' AND size <= $p + 25", ("$p", p));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown tamper");
            }
        }

        private static byte[] Flip(byte[] body)
        {
            body[^3] ^= 0x01;
            return body;
        }

        private static async Task<byte[]> BodyAsync(SqliteConnection connection, long seq)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT body FROM audit_entries WHERE chain = 'default' AND seq = $s";
            command.Parameters.AddWithValue("$s", seq);
            return (byte[])(await command.ExecuteScalarAsync())!;
        }

        private static async Task ExecAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync();
        }
    }
}
