namespace GovernedCrm.Audit.Verification;

/// <summary>
/// The RFC 6962 tree over a prefix of a log as its compact range: the roots of the perfect subtrees the first
/// <see cref="Size"/> leaves decompose into, largest (leftmost) first, one per set bit of the size. Like
/// <see cref="StreamingMerkleTree"/>, but it also accepts whole aligned subtrees (the root of a chunk of
/// 2^h leaves hashed elsewhere), folds a partial right edge onto its roots, and can be copied. O(log n)
/// memory; not thread-safe.
/// </summary>
internal sealed class CompactRange
{
    private const int HashSize = MerkleHasher.HashSize;

    /// <summary>At most 63 roots below 2^63 leaves, plus the one pushed before merging.</summary>
    private const int MaxLevels = 64;

    private readonly byte[] _hashes = new byte[MaxLevels * HashSize];
    private readonly int[] _heights = new int[MaxLevels];

    /// <summary>How many leaves the range covers.</summary>
    public long Size { get; private set; }

    /// <summary>How many subtree roots it holds.</summary>
    public int Count { get; private set; }

    /// <summary>The height of root <paramref name="index"/> (0 = a single leaf).</summary>
    public int HeightAt(int index) => _heights[index];

    /// <summary>The hash of root <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> HashAt(int index) => _hashes.AsSpan(index * HashSize, HashSize);

    /// <summary>Empties the range.</summary>
    public void Clear()
    {
        Size = 0;
        Count = 0;
    }

    /// <summary>Appends one leaf hash.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leafHash, TreeHasher hasher) => Append(0, leafHash, hasher);

    /// <summary>
    /// Appends the root of a perfect subtree of 2^<paramref name="height"/> leaves; the range's size must be a
    /// multiple of 2^<paramref name="height"/> (the subtree is aligned), which also means no held root is lower.
    /// </summary>
    public void Append(int height, ReadOnlySpan<byte> root, TreeHasher hasher)
    {
        if ((Size & ((1L << height) - 1)) != 0)
        {
            throw new InvalidOperationException("A subtree can only be appended at a multiple of its size.");
        }

        root[..HashSize].CopyTo(_hashes.AsSpan(Count * HashSize, HashSize));
        _heights[Count] = height;
        Count++;
        Size += 1L << height;

        // Two roots of the same height side by side are the two halves of the next one up.
        while (Count >= 2 && _heights[Count - 2] == _heights[Count - 1])
        {
            var left = _hashes.AsSpan((Count - 2) * HashSize, HashSize);
            hasher.Node(left, _hashes.AsSpan((Count - 1) * HashSize, HashSize), left);
            _heights[Count - 2]++;
            Count--;
        }
    }

    /// <summary>Appends every root of <paramref name="other"/>, a range that continues this one.</summary>
    public void AppendRange(CompactRange other, TreeHasher hasher)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Append(other._heights[i], other.HashAt(i), hasher);
        }
    }

    /// <summary>Makes this range a copy of <paramref name="other"/>.</summary>
    public void CopyFrom(CompactRange other)
    {
        other._hashes.AsSpan(0, other.Count * HashSize).CopyTo(_hashes);
        other._heights.AsSpan(0, other.Count).CopyTo(_heights);
        Count = other.Count;
        Size = other.Size;
    }

    /// <summary>The tree root over the range (the empty root when it is empty).</summary>
    public void Root(Span<byte> destination, TreeHasher hasher)
    {
        if (Count == 0)
        {
            MerkleHasher.EmptyRootSpan.CopyTo(destination);
            return;
        }

        Span<byte> accumulator = stackalloc byte[HashSize];
        HashAt(Count - 1).CopyTo(accumulator);
        Fold(Count - 2, accumulator, hasher);
        accumulator.CopyTo(destination);
    }

    /// <summary>
    /// The root of the tree over this range followed by leaves to its right whose own compact range folds to
    /// <paramref name="rightFold"/>: every root of this range, right to left, hashed onto it.
    /// </summary>
    public void RootWithRightEdge(ReadOnlySpan<byte> rightFold, Span<byte> destination, TreeHasher hasher)
    {
        Span<byte> accumulator = stackalloc byte[HashSize];
        rightFold[..HashSize].CopyTo(accumulator);
        Fold(Count - 1, accumulator, hasher);
        accumulator.CopyTo(destination);
    }

    private void Fold(int from, Span<byte> accumulator, TreeHasher hasher)
    {
        for (var i = from; i >= 0; i--)
        {
            hasher.Node(HashAt(i), accumulator, accumulator);
        }
    }
}
