namespace GovernedCrm.Audit.Store;

/// <summary>
/// The RFC 6962 leaf and node hashes on the writer's critical path (one leaf hash and about one node hash per
/// entry, all in sequence because each body holds the previous entry's hash): <see cref="MerkleHasher"/>, whose
/// framing is the verifier's TreeHasher (OpenSSL's SHA256_* functions where they pass their self-test, which for
/// inputs of a few hundred bytes cost a fraction of IncrementalHash; IncrementalHash otherwise).
/// </summary>
internal static class WriterHashes
{
    /// <summary>SHA-256(0x00 ‖ <paramref name="data"/>).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> data) => MerkleHasher.LeafHash(data);

    /// <summary>SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => MerkleHasher.NodeHash(left, right);
}
