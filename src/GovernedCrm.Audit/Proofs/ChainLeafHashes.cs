using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Proofs;

/// <summary>
/// The stored leaf hashes (<c>entry_hash</c>) of the first entries of one chain, in one flat array: what consistency
/// proofs and roots at past sizes are computed from. The hashes are the ones verify checks against the bodies.
/// </summary>
public sealed class ChainLeafHashes
{
    private readonly byte[] _hashes;

    private ChainLeafHashes(byte[] hashes, long count)
    {
        _hashes = hashes;
        Count = count;
    }

    /// <summary>How many leaves were read.</summary>
    public long Count { get; }

    /// <summary>Reads the leaf hashes of entries 0 to <paramref name="maxSize"/> - 1 (fewer when the chain is shorter).</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="maxSize">The most leaves to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The leaves.</returns>
    /// <exception cref="InvalidOperationException">The chain has a gap (run governed-crm verify).</exception>
    /// <exception cref="SqliteException">The database cannot be read.</exception>
    public static async Task<ChainLeafHashes> ReadAsync(string databasePath, string chain, long maxSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, entry_hash FROM audit_entries WHERE chain = $chain AND seq < $size ORDER BY seq";
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$size", maxSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var capacity = Math.Min(maxSize, int.MaxValue / MerkleHasher.HashSize);
        var hashes = new byte[(int)Math.Min(capacity, 4096) * MerkleHasher.HashSize];
        long count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetInt64(0) != count)
            {
                throw new InvalidOperationException($"chain '{chain}' has a gap at entry {count}; run governed-crm verify");
            }

            var hash = reader.GetFieldValue<byte[]>(1);
            if (hash.Length != MerkleHasher.HashSize)
            {
                throw new InvalidOperationException($"chain '{chain}': entry {count} has no valid stored hash; run governed-crm verify");
            }

            if ((count + 1) * MerkleHasher.HashSize > hashes.Length)
            {
                Array.Resize(ref hashes, (int)Math.Min(capacity * MerkleHasher.HashSize, Math.Max(MerkleHasher.HashSize, (long)hashes.Length * 2)));
            }

            hash.CopyTo(hashes, count * MerkleHasher.HashSize);
            count++;
        }

        return new ChainLeafHashes(hashes, count);
    }

    /// <summary>The leaf hash of entry <paramref name="index"/> (a copy).</summary>
    /// <param name="index">The entry, below <see cref="Count"/>.</param>
    /// <returns>32 bytes.</returns>
    public byte[] At(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _hashes.AsSpan(checked((int)(index * MerkleHasher.HashSize)), MerkleHasher.HashSize).ToArray();
    }

    /// <summary>The Merkle root of the first n leaves, for every size n of <paramref name="sizes"/> (ascending).</summary>
    /// <param name="sizes">Tree sizes, ascending, each at most <see cref="Count"/>.</param>
    /// <returns>The roots, in the same order.</returns>
    public IReadOnlyList<byte[]> RootsAt(IReadOnlyList<long> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var tree = new StreamingMerkleTree();
        var roots = new List<byte[]>(sizes.Count);
        foreach (var size in sizes)
        {
            if (size < tree.Size || size > Count)
            {
                throw new ArgumentOutOfRangeException(nameof(sizes), size, "Sizes must be ascending and at most Count.");
            }

            while (tree.Size < size)
            {
                tree.Append(_hashes.AsSpan(checked((int)(tree.Size * MerkleHasher.HashSize)), MerkleHasher.HashSize));
            }

            roots.Add(tree.Root());
        }

        return roots;
    }

    /// <summary>The RFC 9162 consistency proof from the tree of <paramref name="oldSize"/> leaves to that of <paramref name="newSize"/>.</summary>
    /// <param name="oldSize">At least 1.</param>
    /// <param name="newSize">At least <paramref name="oldSize"/>, at most <see cref="Count"/>.</param>
    /// <returns>The proof hashes.</returns>
    public IReadOnlyList<byte[]> ConsistencyProof(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newSize, Count);
        return MerkleProofs.ConsistencyProof(oldSize, newSize, At);
    }
}
