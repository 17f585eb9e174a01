using System.Diagnostics;
using System.Globalization;
using System.Text;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Store;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Writes a valid audit log of realistic entries quickly, for the verify benchmark: the same schema (created by
/// <see cref="AuditDatabase"/>), bodies from <see cref="AuditEntryCodec"/>, RFC 6962 leaf hashes and links, the
/// chain head row with its Merkle frontier, and a checkpoint signed with the audit key every 1000 entries (and
/// at the end), stored in the database and in the anchor file, as <see cref="AuditWriter"/> and
/// <see cref="SignedCheckpointPublisher"/> would. Only the batching differs: large transactions of direct
/// INSERTs instead of one group commit per 512 queued entries.
/// </summary>
internal static class AuditLogGenerator
{
    public const int CheckpointEvery = 1000;
    private const int TransactionSize = 100_000;

    public sealed record GeneratedLog(AuditPaths Paths, string VerifierKey, long Entries, int Checkpoints, double AverageBodyBytes, double Seconds);

    public static async Task<GeneratedLog> CreateAsync(string folder, int entries, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var paths = AuditPaths.InDataFolder(folder);
        using var key = AuditSigningKey.LoadOrCreate(paths.KeyFilePath, AuditTrailFactory.KeyName);
        var database = new AuditDatabase(new AuditStoreOptions { DatabasePath = paths.DatabasePath });
        await database.InitializeAsync(cancellationToken).ConfigureAwait(false);

        var chain = RealisticAuditRecords.Tenant;
        var origin = AuditChains.Origin(chain);
        var records = new RealisticAuditRecords(seed: 20_261_123);
        var frontier = new Frontier();
        var previous = new byte[MerkleHasher.HashSize];
        var anchor = new StringBuilder();
        var checkpoints = 0;
        long bodyBytes = 0;
        var firstTimestamp = 1_795_000_000_000L;

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash) " +
                "VALUES ($chain, $seq, $ts, $actor, $event, $tool, $execution, $body, $hash)";
            var pChain = insert.Parameters.Add("$chain", SqliteType.Text);
            var pSeq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var pTs = insert.Parameters.Add("$ts", SqliteType.Integer);
            var pActor = insert.Parameters.Add("$actor", SqliteType.Text);
            var pEvent = insert.Parameters.Add("$event", SqliteType.Text);
            var pTool = insert.Parameters.Add("$tool", SqliteType.Text);
            var pExecution = insert.Parameters.Add("$execution", SqliteType.Text);
            var pBody = insert.Parameters.Add("$body", SqliteType.Blob);
            var pHash = insert.Parameters.Add("$hash", SqliteType.Blob);
            pChain.Value = chain;

            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "INSERT INTO audit_checkpoints (chain, size, note, created_at) VALUES ($chain, $size, $note, $at)";
            checkpoint.Parameters.AddWithValue("$chain", chain);
            var pSize = checkpoint.Parameters.Add("$size", SqliteType.Integer);
            var pNote = checkpoint.Parameters.Add("$note", SqliteType.Text);
            var pAt = checkpoint.Parameters.Add("$at", SqliteType.Integer);

            SqliteTransaction? transaction = null;
            for (long seq = 0; seq < entries; seq++)
            {
                if (seq % TransactionSize == 0)
                {
                    if (transaction is not null)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        await transaction.DisposeAsync().ConfigureAwait(false);
                        await Console.Error.WriteLineAsync($"benchmark:   generated {seq.ToString(CultureInfo.InvariantCulture)}/{entries.ToString(CultureInfo.InvariantCulture)} entries").ConfigureAwait(false);
                    }

                    transaction = connection.BeginTransaction();
                    insert.Transaction = transaction;
                    checkpoint.Transaction = transaction;
                }

                var record = records.Next();
                var timestamp = firstTimestamp + (seq * 3);
                var body = AuditEntryCodec.Encode(new AuditEntry(origin, seq, DateTimeOffset.FromUnixTimeMilliseconds(timestamp), previous, record));
                var hash = MerkleHasher.LeafHash(body);
                bodyBytes += body.Length;
                pSeq.Value = seq;
                pTs.Value = timestamp;
                pActor.Value = record.Actor;
                pEvent.Value = record.Event.ToString();
                pTool.Value = (object?)record.Tool ?? DBNull.Value;
                pExecution.Value = record.ExecutionId;
                pBody.Value = body;
                pHash.Value = hash;
                insert.ExecuteNonQuery();
                frontier.Append(hash);
                previous = hash;

                var size = seq + 1;
                if (size % CheckpointEvery == 0 || size == entries)
                {
                    var note = key.SignCheckpoint(new Checkpoint(origin, size, frontier.Root()));
                    pSize.Value = size;
                    pNote.Value = note;
                    pAt.Value = timestamp;
                    checkpoint.ExecuteNonQuery();

                    // The anchor file's record layout: the signed note, then a blank line (see AnchorFile).
                    anchor.Append(note).Append('\n');
                    checkpoints++;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            using var head = connection.CreateCommand();
            head.Transaction = transaction;
            head.CommandText = "INSERT INTO audit_heads (chain, size, head_hash, frontier) VALUES ($chain, $size, $hash, $frontier)";
            head.Parameters.AddWithValue("$chain", chain);
            head.Parameters.AddWithValue("$size", (long)entries);
            head.Parameters.AddWithValue("$hash", previous);
            head.Parameters.AddWithValue("$frontier", frontier.Save());
            head.ExecuteNonQuery();
            await transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
            await transaction.DisposeAsync().ConfigureAwait(false);

            // Fold the WAL into the database file, so every measurement reads the same file layout.
            using var fold = connection.CreateCommand();
            fold.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            fold.ExecuteNonQuery();
        }

        await File.WriteAllTextAsync(paths.AnchorPath, anchor.ToString(), cancellationToken).ConfigureAwait(false);
        if (new AnchorFile(paths.AnchorPath).ReadNotes().Count != checkpoints)
        {
            throw new InvalidOperationException("The generated anchor file does not read back as written.");
        }

        SqliteConnection.ClearAllPools();
        return new GeneratedLog(paths, key.VerifierKey, entries, checkpoints, Math.Round((double)bodyBytes / entries, 1), Seconds(started));
    }

    public static double Seconds(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3);

    /// <summary>The chain head's Merkle frontier as AuditWriter stores it: one subtree root per set bit of the size, largest first.</summary>
    private sealed class Frontier
    {
        private readonly List<(int Height, byte[] Hash)> _roots = [];

        public void Append(byte[] leafHash)
        {
            var hash = leafHash;
            var height = 0;
            while (_roots.Count > 0 && _roots[^1].Height == height)
            {
                hash = MerkleHasher.NodeHash(_roots[^1].Hash, hash);
                _roots.RemoveAt(_roots.Count - 1);
                height++;
            }

            _roots.Add((height, hash));
        }

        public byte[] Root()
        {
            var accumulator = _roots[^1].Hash;
            for (var i = _roots.Count - 2; i >= 0; i--)
            {
                accumulator = MerkleHasher.NodeHash(_roots[i].Hash, accumulator);
            }

            return accumulator;
        }

        public byte[] Save() => _roots.SelectMany(r => r.Hash).ToArray();
    }
}
