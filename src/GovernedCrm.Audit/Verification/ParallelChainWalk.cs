using System.Numerics;
using SQLitePCL;

namespace GovernedCrm.Audit.Verification;

/// <summary>Where the reference walk takes over: every entry before <see cref="Expected"/> passed every check.</summary>
/// <param name="Expected">The next sequence number.</param>
/// <param name="Previous">The hash of entry <see cref="Expected"/> - 1 (zeros at 0).</param>
/// <param name="Tree">The tree over the first <see cref="Expected"/> entries.</param>
/// <param name="Completed">True when the whole chain passed, so there is nothing left to walk.</param>
internal sealed record WalkState(long Expected, byte[] Previous, CompactRange Tree, bool Completed);

/// <summary>How the walk runs; only tests change the defaults.</summary>
/// <param name="FastPath">False: the reference walk alone, from the first entry.</param>
/// <param name="ChunkBits">Chunks of 2^ChunkBits sequence numbers (1 to 16); null: chosen from the log's size.</param>
/// <param name="Workers">Worker threads besides the caller's; null: one per core (none on one core).</param>
/// <param name="NativeCalls">False: no direct OpenSSL or SQLite calls, only .NET's hashing and SQLitePCL (as where they are unavailable).</param>
internal sealed record WalkTuning(bool FastPath = true, int? ChunkBits = null, int? Workers = null, bool NativeCalls = true)
{
    public static WalkTuning Default { get; } = new();
}

/// <summary>
/// The fast path of the walk over one chain. The chain is cut into aligned chunks of 2^k sequence numbers;
/// worker threads, each with its own read-only connection, walk the chunks with <see cref="EntryFastCheck"/>
/// and hash their leaves into per-chunk subtrees, while this thread walks the last chunk (on the verifier's
/// connection, inside its read transaction) and then merges the chunks in order: the link across each chunk
/// boundary, the root at every trusted checkpoint size, and the chunk's subtree appended to the tree.
/// </summary>
/// <remarks>
/// The first chunk that is not certainly clean stops the fast path; the caller then runs the reference walk from
/// the start of that chunk, with the state merged so far, so every failure is found and reported exactly as
/// the reference walk reports it. Memory is bounded: at most a few chunks per worker are in flight, each
/// holding O(log n) hashes plus one per checkpoint inside it.
/// </remarks>
internal static class ParallelChainWalk
{
    private const int MaxWorkers = 8;
    private const int MinChunkBits = 10;
    private const int MaxChunkBits = 13;
    private const int ChunksInFlightPerWorker = 4;

    public static WalkState Run(
        SqliteConnection connection, string databasePath, string chain, string origin, SortedDictionary<long, byte[]> trusted,
        TreeHasher hasher, IProgress<long>? progress, long walkedBefore, WalkTuning tuning, CancellationToken cancellationToken)
    {
        var state = new WalkState(0, new byte[MerkleHasher.HashSize], new CompactRange(), Completed: false);
        if (!tuning.FastPath || !Utf8RoundTrips(chain) || !Utf8RoundTrips(origin) || !IsUtf8Database(connection) || MaxSequence(connection, chain) is not { } max || max < 0)
        {
            return state;
        }

        // Enough chunks to keep every worker busy, small enough that a log of a few thousand entries is split too.
        var cores = Environment.ProcessorCount;
        var bits = tuning.ChunkBits is { } fixedBits
            ? Math.Clamp(fixedBits, 1, 16)
            : Math.Clamp(BitOperations.Log2((ulong)Math.Max((max / (cores * 8L)) + 1, 1)), MinChunkBits, MaxChunkBits);
        var chunkCount = (max >> bits) + 1;
        var workers = (int)Math.Min(tuning.Workers ?? (cores < 2 ? 0 : Math.Min(cores, MaxWorkers)), chunkCount - 1);

        var check = new EntryFastCheck(chain, origin);
        var sizes = trusted.Keys.ToArray();
        using var walker = new ChunkWalker(connection.Handle!, chain, check, sizes, hasher, tuning.NativeCalls);
        using var lanes = workers > 0 ? new Lanes(workers, databasePath, chain, check, sizes, bits, chunkCount - 1, tuning.NativeCalls, cancellationToken) : null;
        bool Stop() => cancellationToken.IsCancellationRequested;
        var last = Chunk(chunkCount - 1, bits, chunkCount);

        // With workers, this thread walks the last chunk while they walk the others.
        if (lanes is not null)
        {
            walker.Walk(last, Stop);
        }

        var tree = state.Tree;
        var previous = state.Previous;
        long expected = 0;
        Span<byte> root = stackalloc byte[MerkleHasher.HashSize];
        for (long index = 0; index < chunkCount; index++)
        {
            ChunkResult chunk;
            if (index == chunkCount - 1)
            {
                chunk = last;
                if (lanes is null)
                {
                    walker.Walk(chunk, Stop);
                }
            }
            else if (lanes is not null)
            {
                chunk = lanes.Take(index);
            }
            else
            {
                chunk = Chunk(index, bits, chunkCount);
                walker.Walk(chunk, Stop);
            }

            if (!chunk.Clean || !chunk.FirstLink.AsSpan().SequenceEqual(previous))
            {
                return state with { Expected = expected };
            }

            foreach (var (size, rightEdge) in chunk.Checkpoints)
            {
                tree.RootWithRightEdge(rightEdge, root, hasher);
                if (!root.SequenceEqual(trusted[size]))
                {
                    return state with { Expected = expected };
                }
            }

            tree.AppendRange(chunk.Tree, hasher);
            chunk.LastHash.CopyTo(previous, 0);
            expected += chunk.Entries;

            // Chunks are at most 2^16 entries and aligned, so every multiple of 2^16 is a chunk boundary.
            if ((expected & 0xFFFF) == 0)
            {
                progress?.Report(walkedBefore + expected);
            }
        }

        return state with { Expected = expected, Completed = true };
    }

    private static ChunkResult Chunk(long index, int bits, long chunkCount) =>
        new(index, index << bits, index == chunkCount - 1 ? null : (index + 1) << bits, unboundedBelow: index == 0);

    private static bool Utf8RoundTrips(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)) == value;

    private static bool IsUtf8Database(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA encoding";
        return command.ExecuteScalar() is string encoding && encoding == "UTF-8";
    }

    /// <summary>The largest stored sequence number, when there are rows and it is an integer.</summary>
    private static long? MaxSequence(SqliteConnection connection, string chain)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(seq) FROM audit_entries WHERE chain = $chain";
        command.Parameters.AddWithValue("$chain", chain);
        return command.ExecuteScalar() is long max ? max : null;
    }

    /// <summary>The worker threads and the in-order hand-over of their chunks.</summary>
    private sealed class Lanes : IDisposable
    {
        private readonly object _gate = new();
        private readonly ChunkResult?[] _ring;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _stopping = new();
        private readonly Thread[] _threads;
        private readonly string _databasePath;
        private readonly string _chain;
        private readonly EntryFastCheck _check;
        private readonly long[] _sizes;
        private readonly int _bits;
        private readonly long _chunks;
        private readonly bool _nativeCalls;
        private readonly CancellationToken _cancellationToken;
        private long _next = -1;
        private int _running;

        public Lanes(int workers, string databasePath, string chain, EntryFastCheck check, long[] sizes, int bits, long chunks, bool nativeCalls, CancellationToken cancellationToken)
        {
            _nativeCalls = nativeCalls;
            _databasePath = databasePath;
            _chain = chain;
            _check = check;
            _sizes = sizes;
            _bits = bits;
            _chunks = chunks;
            _cancellationToken = cancellationToken;
            _ring = new ChunkResult?[workers * ChunksInFlightPerWorker];
            _slots = new SemaphoreSlim(_ring.Length, _ring.Length);
            _running = workers;
            _threads = new Thread[workers];
            for (var i = 0; i < workers; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = "audit-verify-" + i };
                _threads[i].Start();
            }
        }

        /// <summary>Waits for chunk <paramref name="index"/>; an unclean stand-in if no worker can deliver it.</summary>
        public ChunkResult Take(long index)
        {
            var slot = (int)(index % _ring.Length);
            ChunkResult? chunk;
            lock (_gate)
            {
                while ((chunk = _ring[slot]) is null || chunk.Index != index)
                {
                    if (_running == 0)
                    {
                        return new ChunkResult(index, 0, 0, unboundedBelow: false) { Clean = false };
                    }

                    Monitor.Wait(_gate);
                }

                _ring[slot] = null;
            }

            _slots.Release();
            return chunk;
        }

        public void Dispose()
        {
            _stopping.Cancel();
            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _stopping.Dispose();
            _slots.Dispose();
        }

        private bool Stop() => _stopping.IsCancellationRequested || _cancellationToken.IsCancellationRequested;

        private void Work()
        {
            try
            {
                // Read-only and without SQLite's per-call connection mutex: this thread is the connection's only user.
                var rc = raw.sqlite3_open_v2(_databasePath, out var database, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
                using var owned = database;
                if (rc != raw.SQLITE_OK)
                {
                    return;
                }

                using var hasher = new TreeHasher(_nativeCalls);
                using var walker = new ChunkWalker(database, _chain, _check, _sizes, hasher, _nativeCalls);
                while (!Stop())
                {
                    // A free slot first: the merge is never more than the ring's length behind the newest chunk.
                    _slots.Wait(_stopping.Token);
                    var index = Interlocked.Increment(ref _next);
                    if (index >= _chunks)
                    {
                        _slots.Release();
                        return;
                    }

                    var chunk = new ChunkResult(index, index << _bits, (index + 1) << _bits, unboundedBelow: index == 0);
                    walker.Walk(chunk, Stop);
                    lock (_gate)
                    {
                        _ring[index % _ring.Length] = chunk;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
#pragma warning disable CA1031 // A worker that cannot go on only ends the fast path: the merge sees it and the reference walk takes over.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            finally
            {
                lock (_gate)
                {
                    _running--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
