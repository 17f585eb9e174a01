using SQLitePCL;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// One contiguous range of a chain's entries (a chunk), walked by one thread: what it found and what the
/// merge needs to continue the chain and the tree across it.
/// </summary>
internal sealed class ChunkResult(long index, long first, long? end, bool unboundedBelow)
{
    /// <summary>The chunk's position among the chain's chunks.</summary>
    public long Index { get; } = index;

    /// <summary>The sequence number the chunk's first entry must have.</summary>
    public long First { get; } = first;

    /// <summary>One past the last sequence number, or null for the last chunk (every remaining row).</summary>
    public long? End { get; } = end;

    /// <summary>The first chunk also takes rows below 0, so nothing the reference walk would see is skipped.</summary>
    public bool UnboundedBelow { get; } = unboundedBelow;

    /// <summary>True when every entry certainly passes the reference walk's checks (the first entry's link aside).</summary>
    public bool Clean { get; set; }

    /// <summary>How many entries were walked.</summary>
    public long Entries { get; set; }

    /// <summary>The previous-hash link in the first entry's body, checked by the merge.</summary>
    public byte[] FirstLink { get; } = new byte[MerkleHasher.HashSize];

    /// <summary>The last entry's hash.</summary>
    public byte[] LastHash { get; } = new byte[MerkleHasher.HashSize];

    /// <summary>The chunk's own tree (its leaves only).</summary>
    public CompactRange Tree { get; } = new();

    /// <summary>For each trusted checkpoint size inside the chunk: the fold of the chunk's tree at that size.</summary>
    public List<(long Size, byte[] RightEdge)> Checkpoints { get; } = [];
}

/// <summary>
/// Walks chunks of one chain on one connection with the fast per-entry check: raw column spans, no per-entry
/// allocation. Not thread-safe; one per thread.
/// </summary>
internal sealed class ChunkWalker : IDisposable
{
    private const string Select = "SELECT seq, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries WHERE chain = ?1";

    private readonly sqlite3 _database;
    private readonly string _chain;
    private readonly EntryFastCheck _check;
    private readonly long[] _checkpointSizes;
    private readonly TreeHasher _hasher;
    private readonly sqlite3_stmt?[] _statements = new sqlite3_stmt?[4];
    private readonly SqliteColumns _row;
    private byte[] _previous = new byte[MerkleHasher.HashSize];
    private byte[] _leaf = new byte[MerkleHasher.HashSize];

    public ChunkWalker(sqlite3 database, string chain, EntryFastCheck check, long[] checkpointSizes, TreeHasher hasher, bool nativeCalls)
    {
        _row = SqliteColumns.Create(nativeCalls);
        _database = database;
        _chain = chain;
        _check = check;
        _checkpointSizes = checkpointSizes;
        _hasher = hasher;
    }

    /// <summary>Walks one chunk. Never throws: an error makes the chunk unclean, and the reference walk meets it again.</summary>
    public void Walk(ChunkResult chunk, Func<bool> stop)
    {
        try
        {
            chunk.Clean = WalkCore(chunk, stop);
        }
#pragma warning disable CA1031 // Whatever went wrong, the reference walk re-reads this chunk and reports (or throws) as it always did.
        catch (Exception)
#pragma warning restore CA1031
        {
            chunk.Clean = false;
        }
    }

    public void Dispose()
    {
        foreach (var statement in _statements)
        {
            statement?.Dispose();
        }
    }

    private bool WalkCore(ChunkResult chunk, Func<bool> stop)
    {
        var statement = Prepare(chunk);
        _row.Begin(statement);
        try
        {
            return WalkRows(chunk, stop);
        }
        finally
        {
            _row.End();
            raw.sqlite3_reset(statement);
        }
    }

    private bool WalkRows(ChunkResult chunk, Func<bool> stop)
    {
        var tree = chunk.Tree;
        tree.Clear();
        var sizes = _checkpointSizes;
        var nextCheckpoint = FirstAbove(sizes, chunk.First);
        var expected = chunk.First;
        int rc;
        while ((rc = _row.Step()) == raw.SQLITE_ROW)
        {
            if (!Entry(expected, expected == chunk.First ? chunk.FirstLink : null))
            {
                return false;
            }

            tree.AppendLeaf(_leaf, _hasher);
            (_previous, _leaf) = (_leaf, _previous);
            expected++;
            while (nextCheckpoint < sizes.Length && sizes[nextCheckpoint] == expected)
            {
                var edge = new byte[MerkleHasher.HashSize];
                tree.Root(edge, _hasher);
                chunk.Checkpoints.Add((expected, edge));
                nextCheckpoint++;
            }

            if ((expected & 0xFF) == 0 && stop())
            {
                return false;
            }
        }

        if (rc != raw.SQLITE_DONE || (chunk.End is { } end && expected != end))
        {
            return false;
        }

        chunk.Entries = expected - chunk.First;
        _previous.CopyTo(chunk.LastHash);
        return true;
    }

    /// <summary>The checks of the reference walk for one row, on bytes; the leaf hash is left in <see cref="_leaf"/>.</summary>
    private bool Entry(long expected, byte[]? firstLink)
    {
        // Sequence: the stored seq (0 would also be what a NULL reads as, which the reference walk rejects).
        var row = _row;
        if (row.Int64(0) != expected || (expected == 0 && row.Type(0) == raw.SQLITE_NULL))
        {
            return false;
        }

        // Body hash.
        var data = row.Blob(6);
        _hasher.Leaf(data, _leaf);
        if (!row.Blob(7).SequenceEqual(_leaf))
        {
            return false;
        }

        // Well formed, this chain, this sequence number.
        if (!_check.TryRead(data, expected, out var body))
        {
            return false;
        }

        // Link (the first entry's link is checked by the merge, which knows the entry before).
        if (firstLink is null)
        {
            if (!body.Previous.SequenceEqual(_previous))
            {
                return false;
            }
        }
        else
        {
            body.Previous.CopyTo(firstLink);
        }

        // Columns against the body, with SQLite's own conversions (what the reference walk's GetInt64 and GetString see).
        return row.Int64(1) == body.Millis && (body.Millis != 0 || NotNull(row, 1))
            && SameText(row, 2, body.Actor)
            && SameText(row, 3, body.Event)
            && (body.ToolIsNull ? row.Type(4) == raw.SQLITE_NULL : SameText(row, 4, body.Tool))
            && SameText(row, 5, body.ExecutionId);
    }

    private static bool SameText(SqliteColumns row, int column, ReadOnlySpan<byte> expected) =>
        row.Blob(column).SequenceEqual(expected) && (!expected.IsEmpty || NotNull(row, column));

    private static bool NotNull(SqliteColumns row, int column) => row.Type(column) != raw.SQLITE_NULL;

    private sqlite3_stmt Prepare(ChunkResult chunk)
    {
        var variant = (chunk.UnboundedBelow ? 0 : 1) + (chunk.End is null ? 0 : 2);
        var statement = _statements[variant];
        if (statement is null)
        {
            var sql = new StringBuilder(Select);
            if (!chunk.UnboundedBelow)
            {
                sql.Append(" AND seq >= ?2");
            }

            if (chunk.End is not null)
            {
                sql.Append(" AND seq < ?3");
            }

            sql.Append(" ORDER BY seq");
            Check(raw.sqlite3_prepare_v2(_database, sql.ToString(), out statement));
            _statements[variant] = statement;
        }
        else
        {
            raw.sqlite3_reset(statement);
        }

        Check(raw.sqlite3_bind_text(statement, 1, _chain));

        if (!chunk.UnboundedBelow)
        {
            Check(raw.sqlite3_bind_int64(statement, 2, chunk.First));
        }

        if (chunk.End is { } end)
        {
            Check(raw.sqlite3_bind_int64(statement, 3, end));
        }

        return statement;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }

    private static int FirstAbove(long[] sorted, long value)
    {
        var index = Array.BinarySearch(sorted, value);
        return index >= 0 ? index + 1 : ~index;
    }
}
