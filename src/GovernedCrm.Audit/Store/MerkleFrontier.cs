namespace GovernedCrm.Audit.Store;

/// <summary>
/// The right edge of a chain's Merkle tree: one perfect-subtree root per set bit of the size. Stored with the
/// chain head so any process that appends can extend the tree and compute the root for a checkpoint without
/// re-reading the log.
/// </summary>
internal sealed class MerkleFrontier
{
    private readonly List<(int Height, byte[] Hash)> _roots = [];

    public long Size { get; private set; }

    public static MerkleFrontier Restore(long size, ReadOnlySpan<byte> state)
    {
        var frontier = new MerkleFrontier { Size = size };
        var offset = 0;
        for (var height = 62; height >= 0; height--)
        {
            if ((size & (1L << height)) == 0)
            {
                continue;
            }

            if (state.Length < offset + MerkleHasher.HashSize)
            {
                throw new InvalidDataException("The stored Merkle frontier is shorter than its size says.");
            }

            frontier._roots.Add((height, state.Slice(offset, MerkleHasher.HashSize).ToArray()));
            offset += MerkleHasher.HashSize;
        }

        if (offset != state.Length)
        {
            throw new InvalidDataException("The stored Merkle frontier is longer than its size says.");
        }

        return frontier;
    }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        var hash = leafHash.ToArray();
        var height = 0;
        while (_roots.Count > 0 && _roots[^1].Height == height)
        {
            hash = WriterHashes.Node(_roots[^1].Hash, hash);
            _roots.RemoveAt(_roots.Count - 1);
            height++;
        }

        _roots.Add((height, hash));
        Size++;
    }

    public byte[] Root()
    {
        if (_roots.Count == 0)
        {
            return MerkleHasher.EmptyRoot;
        }

        var accumulator = _roots[^1].Hash;
        for (var i = _roots.Count - 2; i >= 0; i--)
        {
            accumulator = MerkleHasher.NodeHash(_roots[i].Hash, accumulator);
        }

        return accumulator;
    }

    public byte[] Save() => _roots.SelectMany(r => r.Hash).ToArray();
}
