using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The RFC 6962 leaf and node hashes on the writer's critical path (one leaf hash and about one node hash per
/// entry, all in sequence because each body holds the previous entry's hash), through the verifier's
/// <see cref="TreeHasher"/> (one per writing thread): OpenSSL's SHA256_* functions where they pass their self-test
/// (see <see cref="OpenSslSha256"/>), which for inputs of a few hundred bytes costs a fraction of
/// <see cref="MerkleHasher"/>'s IncrementalHash, and IncrementalHash otherwise. Same function, same bytes.
/// </summary>
internal static class WriterHashes
{
    [ThreadStatic]
    private static TreeHasher? t_hasher;

    /// <summary>SHA-256(0x00 ‖ <paramref name="data"/>).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        var hash = new byte[MerkleHasher.HashSize];
        Hasher().Leaf(data, hash);
        return hash;
    }

    /// <summary>SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != MerkleHasher.HashSize || right.Length != MerkleHasher.HashSize)
        {
            return MerkleHasher.NodeHash(left, right);
        }

        var hash = new byte[MerkleHasher.HashSize];
        Hasher().Node(left, right, hash);
        return hash;
    }

    private static TreeHasher Hasher() => t_hasher ??= new TreeHasher();
}
