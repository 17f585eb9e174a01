using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The RFC 6962 leaf and node hashes on the writer's critical path (one leaf hash and about one node hash per
/// entry, all in sequence because each body holds the previous entry's hash). Where OpenSSL's SHA256_* functions
/// pass their self-test (see <see cref="OpenSslSha256"/>) they are called directly, which for inputs of a few
/// hundred bytes costs a fraction of <see cref="MerkleHasher"/>'s IncrementalHash; otherwise
/// <see cref="MerkleHasher"/> is used. Same function, same bytes.
/// </summary>
internal static class WriterHashes
{
    private static readonly byte[] LeafPrefix = [0x00];

    [ThreadStatic]
    private static byte[]? t_context;

    /// <summary>SHA-256(0x00 ‖ <paramref name="data"/>).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        if (!OpenSslSha256.IsAvailable)
        {
            return MerkleHasher.LeafHash(data);
        }

        var hash = new byte[MerkleHasher.HashSize];
        OpenSslSha256.Hash(Context(), LeafPrefix, data, hash);
        return hash;
    }

    /// <summary>SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (!OpenSslSha256.IsAvailable || left.Length != MerkleHasher.HashSize || right.Length != MerkleHasher.HashSize)
        {
            return MerkleHasher.NodeHash(left, right);
        }

        Span<byte> input = stackalloc byte[1 + (2 * MerkleHasher.HashSize)];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + MerkleHasher.HashSize)..]);
        var hash = new byte[MerkleHasher.HashSize];
        OpenSslSha256.Hash(Context(), input, [], hash);
        return hash;
    }

    private static byte[] Context() => t_context ??= new byte[OpenSslSha256.ContextSize];
}
