namespace GovernedCrm.Audit.Merkle;

/// <summary>
/// Streaming RFC 6962 tree hash over appended leaf hashes, O(log n) memory (a compact range / stack of
/// perfect-subtree roots).
/// </summary>
/// <remarks>
/// After n appends the stack holds one root per set bit of n, largest (leftmost) first: the roots of the
/// perfect subtrees the first n leaves decompose into. Appending a leaf pushes it and merges the two top
/// roots once per trailing one bit of the old size, so each append costs one node hash amortized and
/// allocates nothing. <see cref="Root()"/> folds the stack right to left without changing it. Not thread-safe.
/// </remarks>
public sealed class StreamingMerkleTree
{
    /// <summary>At most 63 roots for a size below 2^63, plus the leaf pushed before merging.</summary>
    private const int MaxLevels = 64;

    private const int HashSize = MerkleHasher.HashSize;

    private readonly byte[] _stack = new byte[MaxLevels * HashSize];
    private int _count;

    /// <summary>The number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Appends the next leaf.</summary>
    /// <param name="leafHash">The leaf's hash, SHA-256(0x00 ‖ data) (see <see cref="MerkleHasher.LeafHash(ReadOnlySpan{byte})"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">The tree already holds <see cref="long.MaxValue"/> leaves.</exception>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException("A leaf hash must be 32 bytes.", nameof(leafHash));
        }

        if (Size == long.MaxValue)
        {
            throw new InvalidOperationException("The tree is full.");
        }

        var stack = _stack.AsSpan();
        leafHash.CopyTo(stack.Slice(_count * HashSize, HashSize));
        _count++;

        // Each trailing one bit of the old size is a perfect subtree of the same height as the one just
        // completed on its right: merge them.
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            _count--;
            var left = stack.Slice((_count - 1) * HashSize, HashSize);
            MerkleHasher.NodeHash(left, stack.Slice(_count * HashSize, HashSize), left);
        }

        Size++;
    }

    /// <summary>The tree root over the first <see cref="Size"/> leaves.</summary>
    /// <returns>A new 32-byte array: the RFC 6962 Merkle tree hash, or the empty root when <see cref="Size"/> is 0.</returns>
    /// <remarks>Further appends continue from the same state: computing the root changes nothing.</remarks>
    public byte[] Root()
    {
        var root = new byte[HashSize];
        Root(root);
        return root;
    }

    /// <summary>Writes the tree root over the first <see cref="Size"/> leaves without allocating.</summary>
    /// <param name="destination">Receives the root in its first 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void Root(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException("The destination must hold at least 32 bytes.", nameof(destination));
        }

        if (_count == 0)
        {
            MerkleHasher.EmptyRootSpan.CopyTo(destination);
            return;
        }

        ReadOnlySpan<byte> stack = _stack;
        Span<byte> accumulator = stackalloc byte[HashSize];
        stack.Slice((_count - 1) * HashSize, HashSize).CopyTo(accumulator);
        for (var i = _count - 2; i >= 0; i--)
        {
            MerkleHasher.NodeHash(stack.Slice(i * HashSize, HashSize), accumulator, accumulator);
        }

        accumulator.CopyTo(destination);
    }

    /// <summary>The number of perfect-subtree roots held: always the number of set bits of <see cref="Size"/>.</summary>
    internal int CompactRangeLength => _count;
}
