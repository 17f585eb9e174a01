using System.Diagnostics;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// Walks the audit trail and reports the first problem: every checkpoint signature (database and anchor copies)
/// against the pinned public key; then, per chain in sequence order, contiguous sequence numbers, the body hash,
/// the body's chain, sequence and previous-hash link, the query columns against the body, the Merkle root at
/// every trusted checkpoint, and finally that the log is not shorter than the newest trusted checkpoint.
/// Memory stays bounded: entries are streamed and the tree is a frontier.
/// </summary>
/// <remarks>
/// The walk has two paths with one meaning. The fast path (<see cref="ParallelChainWalk"/>) checks chunks of the
/// chain on several threads, directly on the stored bytes, and only ever answers "these entries certainly pass";
/// from the first chunk it cannot vouch for, the reference walk below takes over with the state reached so far
/// and finds and reports the first failure exactly as it always has (same position, code, detail and count).
/// Everything is read inside one read transaction, so entries, checkpoints and the head come from one snapshot
/// even while a writer appends. Where available, hashing goes through OpenSSL's SHA-256 functions and column
/// reads call SQLite directly (<see cref="OpenSslSha256"/>, <see cref="SqliteColumns"/>), each self-tested
/// first; elsewhere .NET's hashing and SQLitePCL do the same work more slowly.
/// </remarks>
public static class AuditVerifier
{
    /// <summary>Verifies the audit database.</summary>
    /// <param name="databasePath">The audit database file.</param>
    /// <param name="verifierKey">The pinned public key (C2SP vkey) checkpoints must be signed with.</param>
    /// <param name="anchorPath">The anchor file, if any.</param>
    /// <param name="tenant">Only this chain, when set.</param>
    /// <param name="progress">Receives the number of entries walked, now and then.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The report.</returns>
    public static Task<VerifyReport> VerifyAsync(
        string databasePath, string verifierKey, string? anchorPath, string? tenant, IProgress<long>? progress, CancellationToken cancellationToken) =>
        VerifyAsync(databasePath, verifierKey, anchorPath, tenant, progress, WalkTuning.Default, cancellationToken);

    /// <summary>Verifies the audit database with explicit walk settings (tests compare the fast path with the reference walk).</summary>
    internal static async Task<VerifyReport> VerifyAsync(
        string databasePath, string verifierKey, string? anchorPath, string? tenant, IProgress<long>? progress, WalkTuning tuning, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);

        var chains = await ChainsAsync(connection, tenant, cancellationToken).ConfigureAwait(false);
        var anchor = anchorPath is null ? AnchorContents.Empty : new AnchorFile(anchorPath).Read();
        var anchorNotes = anchor.Notes.Select(n => n.Note).ToList();

        // One snapshot from here on, taken after the anchor was read (so no anchored checkpoint is newer than
        // the entries). Begun outside ADO.NET's transaction tracking: commands need no transaction object.
        await ExecuteAsync(connection, "BEGIN", cancellationToken).ConfigureAwait(false);
        var notes = new NoteChecks(verifierKey, anchorNotes, cancellationToken);
        var warnings = AnchorWarnings(anchor, notes);
        long walked = 0;
        var checkpointsChecked = 0;
        foreach (var chain in chains)
        {
            var trusted = new SortedDictionary<long, byte[]>();
            var origin = AuditChains.Origin(chain);
            await foreach (var (size, checkpoint) in DatabaseCheckpointsAsync(connection, chain, notes, cancellationToken).ConfigureAwait(false))
            {
                if (checkpoint is null || checkpoint.Origin != origin || checkpoint.Size != size)
                {
                    return Broken(chain, size, VerifyCodes.BadSignature, $"the checkpoint at size {size} in the database is not validly signed by the audit key");
                }

                if (!Trust(trusted, checkpoint, out var conflict))
                {
                    return Broken(chain, size, VerifyCodes.CheckpointRootMismatch, conflict!);
                }

                checkpointsChecked++;
            }

            foreach (var note in anchorNotes)
            {
                if (notes.Anchored(note) is { } checkpoint && checkpoint.Origin == origin)
                {
                    if (!Trust(trusted, checkpoint, out var conflict))
                    {
                        return Broken(chain, checkpoint.Size, VerifyCodes.CheckpointRootMismatch, conflict!);
                    }

                    checkpointsChecked++;
                }
            }

            var result = await WalkChainAsync(connection, databasePath, chain, origin, trusted, progress, walked, tuning, cancellationToken).ConfigureAwait(false);
            if (result.Failure is { } failure)
            {
                return failure with { Entries = walked + result.Walked, Checkpoints = checkpointsChecked, Elapsed = watch.Elapsed, Warnings = warnings };
            }

            walked += result.Walked;
        }

        return new VerifyReport(true, walked, checkpointsChecked, null, null, null, null, watch.Elapsed) { Warnings = warnings };

        VerifyReport Broken(string chain, long position, string code, string detail) =>
            new(false, walked, checkpointsChecked, chain, position, code, $"chain '{chain}': {detail}", watch.Elapsed) { Warnings = warnings };
    }

    /// <summary>
    /// The anchor records verification had to leave out: records that are not complete notes, and notes not validly
    /// signed by the pinned key. They do not break the chain (a crash while appending tears a record; the checks use
    /// every good record), but an edited anchor looks the same, so the report names each one.
    /// </summary>
    private static List<string> AnchorWarnings(AnchorContents anchor, NoteChecks notes)
    {
        var warnings = anchor.Damaged.Select(d => $"anchor file line {d.Line}: {d.Reason}; left out").ToList();
        foreach (var note in anchor.Notes)
        {
            if (notes.Anchored(note.Note) is null)
            {
                warnings.Add($"anchor file line {note.Line}: a checkpoint note not validly signed by the audit key; left out");
            }
        }

        return warnings;
    }

    private static bool Trust(SortedDictionary<long, byte[]> trusted, Checkpoint checkpoint, out string? conflict)
    {
        conflict = null;
        if (trusted.TryGetValue(checkpoint.Size, out var root) && !root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            conflict = $"two validly signed checkpoints at size {checkpoint.Size} disagree on the root";
            return false;
        }

        trusted[checkpoint.Size] = checkpoint.RootHash;
        return true;
    }

    private static async Task<(long Walked, VerifyReport? Failure)> WalkChainAsync(
        SqliteConnection connection, string databasePath, string chain, string origin, SortedDictionary<long, byte[]> trusted,
        IProgress<long>? progress, long walkedBefore, WalkTuning tuning, CancellationToken cancellationToken)
    {
        using var hasher = new TreeHasher(tuning.NativeCalls);
        var state = ParallelChainWalk.Run(connection, Path.GetFullPath(databasePath), chain, origin, trusted, hasher, progress, walkedBefore, tuning, cancellationToken);
        var expected = state.Expected;
        if (!state.Completed)
        {
            var result = await ReferenceWalkAsync(connection, chain, origin, trusted, progress, walkedBefore, state, hasher, cancellationToken).ConfigureAwait(false);
            if (result.Failure is not null)
            {
                return result;
            }

            expected = result.Walked;
        }

        if (trusted.Count > 0 && trusted.Keys.Max() > expected)
        {
            var signed = trusted.Keys.Max();
            return (expected, Fail(chain, expected, VerifyCodes.TruncatedBelowSignedSize, $"the chain has {expected} entries but a signed checkpoint covers {signed}"));
        }

        var head = await connection.QuerySizeAsync(chain, cancellationToken).ConfigureAwait(false);
        if (head is { } size && size != expected)
        {
            return (expected, Fail(chain, expected, VerifyCodes.HeadMismatch, $"the chain head records {size} entries but {expected} are stored"));
        }

        return (expected, null);
    }

    /// <summary>
    /// The reference walk: every check, entry by entry, on decoded records, from <paramref name="start"/> (every
    /// entry before it already passed) to the end of the chain or the first failure.
    /// </summary>
    private static async Task<(long Walked, VerifyReport? Failure)> ReferenceWalkAsync(
        SqliteConnection connection, string chain, string origin, SortedDictionary<long, byte[]> trusted,
        IProgress<long>? progress, long walkedBefore, WalkState start, TreeHasher hasher, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = start.Expected == 0
            ? "SELECT seq, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries WHERE chain = $chain ORDER BY seq"
            : "SELECT seq, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries WHERE chain = $chain AND seq >= $from ORDER BY seq";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$from", start.Expected);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        var tree = start.Tree;
        var previous = (byte[])start.Previous.Clone();
        var leaf = new byte[MerkleHasher.HashSize];
        var root = new byte[MerkleHasher.HashSize];
        var expected = start.Expected;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = reader.GetInt64(0);
            if (seq != expected)
            {
                return (expected, seq > expected
                    ? Fail(chain, expected, VerifyCodes.SequenceGap, $"entry {expected} is missing (the next stored entry is {seq})")
                    : Fail(chain, seq, VerifyCodes.SequenceDuplicate, $"entry {seq} appears again after entry {expected - 1}"));
            }

            var body = reader.GetFieldValue<byte[]>(6);
            var storedHash = reader.GetFieldValue<byte[]>(7);
            hasher.Leaf(body, leaf);
            if (!leaf.AsSpan().SequenceEqual(storedHash))
            {
                return (expected, Fail(chain, seq, VerifyCodes.BodyHashMismatch, $"entry {seq}'s body does not hash to its stored hash"));
            }

            if (!AuditEntryCodec.TryDecode(body, out var entry, out var error))
            {
                return (expected, Fail(chain, seq, VerifyCodes.BodyMalformed, $"entry {seq}'s body is malformed: {error}"));
            }

            if (entry!.Origin != origin || entry.Record.Tenant != chain)
            {
                return (expected, Fail(chain, seq, VerifyCodes.ChainMismatch, $"entry {seq} belongs to chain '{entry.Record.Tenant}'"));
            }

            if (entry.Sequence != seq)
            {
                return (expected, Fail(chain, seq, VerifyCodes.SequenceMismatch, $"the entry stored at {seq} says it is entry {entry.Sequence}"));
            }

            if (!entry.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                return (expected, Fail(chain, seq, VerifyCodes.LinkMismatch, $"entry {seq} does not link to entry {seq - 1}"));
            }

            if (reader.GetInt64(1) != entry.Timestamp.ToUnixTimeMilliseconds()
                || reader.GetString(2) != entry.Record.Actor
                || reader.GetString(3) != entry.Record.Event.ToString()
                || (reader.IsDBNull(4) ? null : reader.GetString(4)) != entry.Record.Tool
                || reader.GetString(5) != entry.Record.ExecutionId)
            {
                return (expected, Fail(chain, seq, VerifyCodes.ColumnMismatch, $"entry {seq}'s columns disagree with its signed body"));
            }

            tree.AppendLeaf(leaf, hasher);
            (previous, leaf) = (leaf, previous);
            expected++;
            if (trusted.TryGetValue(expected, out var signed))
            {
                tree.Root(root, hasher);
                if (!root.AsSpan().SequenceEqual(signed))
                {
                    return (expected, Fail(chain, expected - 1, VerifyCodes.CheckpointRootMismatch, $"the first {expected} entries do not match the signed checkpoint at that size"));
                }
            }

            if ((expected & 0xFFFF) == 0)
            {
                progress?.Report(walkedBefore + expected);
            }
        }

        return (expected, null);
    }

    private static VerifyReport Fail(string chain, long position, string code, string detail) =>
        new(false, 0, 0, chain, position, code, $"chain '{chain}': {detail}", TimeSpan.Zero);

    private static async Task<List<string>> ChainsAsync(SqliteConnection connection, string? tenant, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chain FROM audit_entries GROUP BY chain UNION SELECT chain FROM audit_checkpoints UNION SELECT chain FROM audit_heads ORDER BY 1";
        var chains = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chains.Add(reader.GetString(0));
        }

        return tenant is null ? chains : [tenant];
    }

    /// <summary>
    /// The chain's checkpoints in the database, in size order, each with what <see cref="NoteVerifier.TryVerifyCheckpoint"/>
    /// returns for it (null when it is not validly signed), checked ahead in parallel batches.
    /// </summary>
    private static async IAsyncEnumerable<(long Size, Checkpoint? Checkpoint)> DatabaseCheckpointsAsync(
        SqliteConnection connection, string chain, NoteChecks notes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int Batch = 1024;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT size, note FROM audit_checkpoints WHERE chain = $chain ORDER BY size";
        command.Parameters.AddWithValue("$chain", chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sizes = new List<long>(Batch);
        var batch = new List<string>(Batch);
        var more = true;
        while (more)
        {
            sizes.Clear();
            batch.Clear();
            while (batch.Count < Batch && (more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)))
            {
                sizes.Add(reader.GetInt64(0));
                batch.Add(reader.GetString(1));
            }

            var checkpoints = notes.Verify(batch, cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                yield return (sizes[i], checkpoints[i]);
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long?> QuerySizeAsync(this SqliteConnection connection, string chain, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT size FROM audit_heads WHERE chain = $chain";
        command.Parameters.AddWithValue("$chain", chain);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long size ? size : null;
    }

    /// <summary>
    /// Signature checks of signed checkpoint notes against the pinned key, on all cores. The anchor's notes are
    /// checked once up front and remembered (they are in memory anyway); a database note that is also in the
    /// anchor (the usual case) is not checked again. <see cref="NoteVerifier"/> is a pure function of the note and
    /// the key, so a remembered answer is the answer.
    /// </summary>
    private sealed class NoteChecks
    {
        private readonly string _verifierKey;
        private readonly Dictionary<string, Checkpoint?> _anchored = new(StringComparer.Ordinal);

        public NoteChecks(string verifierKey, IReadOnlyList<string> anchorNotes, CancellationToken cancellationToken)
        {
            _verifierKey = verifierKey;
            var distinct = anchorNotes.Distinct(StringComparer.Ordinal).ToList();
            var checkpoints = Verify(distinct, cancellationToken);
            for (var i = 0; i < distinct.Count; i++)
            {
                _anchored[distinct[i]] = checkpoints[i];
            }
        }

        /// <summary>What <see cref="NoteVerifier.TryVerifyCheckpoint"/> returns for an anchor note (null: not validly signed).</summary>
        public Checkpoint? Anchored(string note) => _anchored[note];

        /// <summary>What <see cref="NoteVerifier.TryVerifyCheckpoint"/> returns for each note (null: not validly signed).</summary>
        public Checkpoint?[] Verify(List<string> notes, CancellationToken cancellationToken)
        {
            var results = new Checkpoint?[notes.Count];
            Parallel.For(
                0,
                notes.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                i => results[i] = _anchored.TryGetValue(notes[i], out var known) ? known
                    : NoteVerifier.TryVerifyCheckpoint(notes[i], _verifierKey, out var checkpoint) ? checkpoint : null);
            return results;
        }
    }
}
