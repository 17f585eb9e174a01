using System.Diagnostics;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Verification;
using SQLitePCL;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Where the verifier's time goes: one thread walks the whole chain with the verifier's own pieces (its query,
/// <see cref="SqliteColumns"/>, <see cref="TreeHasher"/>, <see cref="EntryFastCheck"/>, <see cref="CompactRange"/>)
/// in the fast path's order, and a Stopwatch timestamp between the phases of every entry adds each phase's time up:
/// the SQLite read (the step, then the column values), the leaf hash and its comparison, the entry check (body fields,
/// link, columns against the body) and the tree (the leaf appended, the root at every checkpoint size). The cost of
/// a timestamp, measured first, is taken off each phase. Single-threaded, so the phases add up to CPU time.
/// </summary>
internal static class VerifyPhaseProfile
{
    private const string Select = "SELECT seq, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries WHERE chain = ?1 ORDER BY seq";

    /// <summary>Seconds per phase over the whole chain.</summary>
    public sealed record Phases(double StepSeconds, double ColumnsSeconds, double LeafHashSeconds, double EntryCheckSeconds, double TreeSeconds, double TotalSeconds, long Entries, double TimestampNanoseconds);

    public static Phases Run(string databasePath, string chain, long checkpointEvery)
    {
        var timestamp = TimestampCost();
        // Opened as the verifier's worker threads open theirs: read-only, without SQLite's per-call connection mutex.
        var rc = raw.sqlite3_open_v2(databasePath, out var database, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
        using var connection = database;
        if (rc != raw.SQLITE_OK || raw.sqlite3_prepare_v2(database, Select, out var statement) != raw.SQLITE_OK)
        {
            throw new InvalidOperationException("The profile's database or query does not open.");
        }

        if (raw.sqlite3_bind_text(statement, 1, chain) != raw.SQLITE_OK)
        {
            statement.Dispose();
            throw new InvalidOperationException("The profile's query does not bind.");
        }

        using var owned = statement;
        using var hasher = new TreeHasher();
        var row = SqliteColumns.Create(nativeCalls: true);
        var check = new EntryFastCheck(chain, AuditChains.Origin(chain));
        var tree = new CompactRange();
        var previous = new byte[MerkleHasher.HashSize];
        var leaf = new byte[MerkleHasher.HashSize];
        var root = new byte[MerkleHasher.HashSize];
        long step = 0, columns = 0, leafHash = 0, entryCheck = 0, treeTicks = 0, expected = 0;
        var started = Stopwatch.GetTimestamp();
        row.Begin(statement);
        try
        {
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (row.Step() != raw.SQLITE_ROW)
                {
                    break;
                }

                var stepped = Stopwatch.GetTimestamp();
                var seq = row.Int64(0);
                var ts = row.Int64(1);
                var actor = row.Blob(2);
                var eventName = row.Blob(3);
                var tool = row.Blob(4);
                var toolType = row.Type(4);
                var execution = row.Blob(5);
                var body = row.Blob(6);
                var stored = row.Blob(7);
                var t1 = Stopwatch.GetTimestamp();

                hasher.Leaf(body, leaf);
                var hashOk = stored.SequenceEqual(leaf);
                var t2 = Stopwatch.GetTimestamp();

                var ok = seq == expected && hashOk && check.TryRead(body, expected, out var fields)
                    && fields.Previous.SequenceEqual(previous)
                    && ts == fields.Millis
                    && actor.SequenceEqual(fields.Actor)
                    && eventName.SequenceEqual(fields.Event)
                    && (fields.ToolIsNull ? toolType == raw.SQLITE_NULL : tool.SequenceEqual(fields.Tool))
                    && execution.SequenceEqual(fields.ExecutionId);
                var t3 = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    throw new InvalidOperationException($"Entry {expected} does not pass the fast check; the profile needs a clean log.");
                }

                tree.AppendLeaf(leaf, hasher);
                (previous, leaf) = (leaf, previous);
                expected++;
                if (expected % checkpointEvery == 0)
                {
                    tree.Root(root, hasher);
                }

                var t4 = Stopwatch.GetTimestamp();
                step += stepped - t0;
                columns += t1 - stepped;
                leafHash += t2 - t1;
                entryCheck += t3 - t2;
                treeTicks += t4 - t3;
            }
        }
        finally
        {
            row.End();
        }

        var total = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double Seconds(long ticks) => Math.Round(Math.Max(0, ((double)ticks / Stopwatch.Frequency) - (expected * timestamp / 1e9)), 4);
        return new Phases(Seconds(step), Seconds(columns), Seconds(leafHash), Seconds(entryCheck), Seconds(treeTicks), Math.Round(total, 4), expected, Math.Round(timestamp, 1));
    }

    /// <summary>What one Stopwatch timestamp costs, in nanoseconds (the median of a few batches).</summary>
    private static double TimestampCost()
    {
        const int Batch = 1_000_000;
        var costs = new double[5];
        for (var i = 0; i < costs.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            long sink = 0;
            for (var j = 0; j < Batch; j++)
            {
                sink ^= Stopwatch.GetTimestamp();
            }

            costs[i] = (Stopwatch.GetElapsedTime(started).TotalNanoseconds / Batch) + (sink == 42 ? 1e-9 : 0);
        }

        Array.Sort(costs);
        return costs[costs.Length / 2];
    }
}
