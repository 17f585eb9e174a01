using System.Numerics;

namespace GovernedCrm.Audit.Merkle;

/// <summary>
/// RFC 9162 (Certificate Transparency 2.0) inclusion and consistency proofs over the RFC 6962 tree hash.
/// </summary>
/// <remarks>
/// <para>
/// The generators read leaf hashes through a callback and compute the subtree roots they need with a
/// <see cref="StreamingMerkleTree"/>: O(n) leaf reads and hashes, O(log n) memory, no recursion.
/// </para>
/// <para>
/// The verifiers follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step and never throw on bad input:
/// a null or malformed proof, a hash that is not 32 bytes, a negative size, an index outside the tree or
/// sizes out of order all return <see langword="false"/>.
/// </para>
/// </remarks>
public static class MerkleProofs
{
    private const int HashSize = MerkleHasher.HashSize;

    /// <summary>No valid proof for a tree of at most 2^63 leaves has more hashes than this.</summary>
    private const int MaxProofLength = 64;

    /// <summary>
    /// The RFC 9162 section 2.1.3.1 inclusion proof (audit path) of leaf <paramref name="index"/> in the tree
    /// of the first <paramref name="size"/> leaves, ordered from the leaf's sibling up to the root's child.
    /// </summary>
    /// <param name="index">The 0-based index of the leaf.</param>
    /// <param name="size">The tree size; must exceed <paramref name="index"/>.</param>
    /// <param name="leafHashAt">Returns the 32-byte leaf hash of leaf i (0-based); called only for i &lt; <paramref name="size"/>.</param>
    /// <returns>The proof hashes (empty for a one-leaf tree).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leafHashAt"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or index is negative, or <paramref name="index"/> ≥ <paramref name="size"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="leafHashAt"/> returned null or a hash that is not 32 bytes.</exception>
    public static IReadOnlyList<byte[]> InclusionProof(long index, long size, Func<long, byte[]> leafHashAt)
    {
        ArgumentNullException.ThrowIfNull(leafHashAt);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "The leaf index must be less than the tree size.");
        }

        // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]).
        // Walk down from the root collecting the siblings, then reverse: the proof starts at the leaf.
        var path = new List<byte[]>(MaxProofLength);
        long low = 0, high = size;
        while (high - low > 1)
        {
            var split = low + LargestPowerOfTwoBelow(high - low);
            if (index < split)
            {
                path.Add(SubtreeRoot(split, high, leafHashAt));
                high = split;
            }
            else
            {
                path.Add(SubtreeRoot(low, split, leafHashAt));
                low = split;
            }
        }

        path.Reverse();
        return path.ToArray();
    }

    /// <summary>
    /// The RFC 9162 section 2.1.4.1 consistency proof that the tree of the first <paramref name="size2"/> leaves
    /// extends the tree of the first <paramref name="size1"/> leaves.
    /// </summary>
    /// <param name="size1">The older size, at least 1 (a proof from the empty tree is meaningless).</param>
    /// <param name="size2">The newer size, at least <paramref name="size1"/>.</param>
    /// <param name="leafHashAt">Returns the 32-byte leaf hash of leaf i (0-based); called only for i &lt; <paramref name="size2"/>.</param>
    /// <returns>The proof hashes (empty when the sizes are equal).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leafHashAt"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="size1"/> is 0, or <paramref name="size1"/> &gt; <paramref name="size2"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="leafHashAt"/> returned null or a hash that is not 32 bytes.</exception>
    public static IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2, Func<long, byte[]> leafHashAt)
    {
        ArgumentNullException.ThrowIfNull(leafHashAt);
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        ArgumentOutOfRangeException.ThrowIfNegative(size2);
        if (size1 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), size1, "A consistency proof from the empty tree is meaningless.");
        }

        if (size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), size1, "The first size must not exceed the second.");
        }

        // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
        // for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k, else SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
        // Walk down collecting the appended hashes, then emit the innermost part first.
        var outer = new List<byte[]>(MaxProofLength);
        long low = 0, high = size2, remaining = size1;
        var wholeOldTree = true;
        while (remaining != high - low)
        {
            var half = LargestPowerOfTwoBelow(high - low);
            if (remaining <= half)
            {
                outer.Add(SubtreeRoot(low + half, high, leafHashAt));
                high = low + half;
            }
            else
            {
                outer.Add(SubtreeRoot(low, low + half, leafHashAt));
                low += half;
                remaining -= half;
                wholeOldTree = false;
            }
        }

        var proof = new List<byte[]>(outer.Count + 1);
        if (!wholeOldTree)
        {
            proof.Add(SubtreeRoot(low, high, leafHashAt));
        }

        for (var i = outer.Count - 1; i >= 0; i--)
        {
            proof.Add(outer[i]);
        }

        return proof.ToArray();
    }

    /// <summary>
    /// Verifies an inclusion proof as RFC 9162 section 2.1.3.2 specifies.
    /// </summary>
    /// <param name="index">The 0-based leaf index.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="leafHash">The leaf hash, 32 bytes.</param>
    /// <param name="proof">The inclusion proof, leaf to root, each hash 32 bytes.</param>
    /// <param name="root">The expected tree root, 32 bytes.</param>
    /// <returns>True only when the proof is well formed and leads from the leaf to <paramref name="root"/>.</returns>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        // 1. leaf_index >= tree_size fails (as do negative values and wrongly sized hashes).
        if (proof is null || index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize
            || proof.Count > MaxProofLength)
        {
            return false;
        }

        // 2. fn = leaf_index, sn = tree_size - 1.  3. r = hash.
        var fn = (ulong)index;
        var sn = (ulong)(size - 1);
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);

        // 4. For each value p in the inclusion_path array:
        for (var i = 0; i < proof.Count; i++)
        {
            var p = proof[i];
            if (p is null || p.Length != HashSize)
            {
                return false;
            }

            // a. If sn is 0, stop the iteration and fail the proof verification.
            if (sn == 0)
            {
                return false;
            }

            // b. If LSB(fn) is set, or if fn is equal to sn, then:
            if ((fn & 1) == 1 || fn == sn)
            {
                // i. Set r to HASH(0x01 || p || r).
                MerkleHasher.NodeHash(p, r, r);

                // ii. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is set or fn is 0.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                // Otherwise: set r to HASH(0x01 || r || p).
                MerkleHasher.NodeHash(r, p, r);
            }

            // c. Finally, right-shift both fn and sn one time.
            fn >>= 1;
            sn >>= 1;
        }

        // 5. Compare sn to 0 and r against the root hash: if sn is 0 and they are equal, the proof verifies.
        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>
    /// Verifies a consistency proof as RFC 9162 section 2.1.4.2 specifies.
    /// </summary>
    /// <param name="size1">The older tree size, at least 1.</param>
    /// <param name="size2">The newer tree size, at least <paramref name="size1"/>.</param>
    /// <param name="proof">The consistency proof, each hash 32 bytes.</param>
    /// <param name="root1">The root of the older tree, 32 bytes.</param>
    /// <param name="root2">The root of the newer tree, 32 bytes.</param>
    /// <returns>
    /// True only when the proof is well formed and shows that the tree with <paramref name="root2"/> extends the
    /// tree with <paramref name="root1"/>. When the sizes are equal the proof must be empty and the roots equal.
    /// A proof from size 0 is rejected, as RFC 9162 defines none.
    /// </returns>
    public static bool VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (proof is null || size1 <= 0 || size2 < size1 || root1.Length != HashSize || root2.Length != HashSize)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }

        // 1. If consistency_path is an empty array, stop and fail the proof verification.
        if (proof.Count == 0 || proof.Count > MaxProofLength)
        {
            return false;
        }

        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is not { Length: HashSize })
            {
                return false;
            }
        }

        // 2. If first is an exact power of 2, prepend first_hash to the consistency_path array.
        // (Done by seeding from root1 and reading the proof from its first element.)
        var next = 0;
        ReadOnlySpan<byte> seed;
        if (BitOperations.IsPow2(size1))
        {
            seed = root1;
        }
        else
        {
            seed = proof[0];
            next = 1;
        }

        // 3. fn = first - 1, sn = second - 1.
        var fn = (ulong)(size1 - 1);
        var sn = (ulong)(size2 - 1);

        // 4. If LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        // 5. Set both fr and sr to the first value in the consistency_path array.
        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        seed.CopyTo(fr);
        seed.CopyTo(sr);

        // 6. For each subsequent value c in the consistency_path array:
        for (var i = next; i < proof.Count; i++)
        {
            var c = proof[i];

            // a. If sn is 0, stop the iteration and fail the proof verification.
            if (sn == 0)
            {
                return false;
            }

            // b. If LSB(fn) is set, or if fn is equal to sn, then:
            if ((fn & 1) == 1 || fn == sn)
            {
                // i. Set fr to HASH(0x01 || c || fr). Set sr to HASH(0x01 || c || sr).
                MerkleHasher.NodeHash(c, fr, fr);
                MerkleHasher.NodeHash(c, sr, sr);

                // ii. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is set or fn is 0.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                // Otherwise: set sr to HASH(0x01 || sr || c).
                MerkleHasher.NodeHash(sr, c, sr);
            }

            // c. Finally, right-shift both fn and sn one time.
            fn >>= 1;
            sn >>= 1;
        }

        // 7. Verify fr equals first_hash, sr equals second_hash and sn is 0.
        return sn == 0 && fr.SequenceEqual(root1) && sr.SequenceEqual(root2);
    }

    /// <summary>
    /// The reference RFC 6962 Merkle tree hash MTH over the given leaf hashes, computed by the naive recursion
    /// of the RFC (depth O(log n)). For tests and small trees; use <see cref="StreamingMerkleTree"/> for logs.
    /// </summary>
    /// <param name="leafHashes">The leaf hashes, each 32 bytes.</param>
    /// <returns>The root: the empty root for no leaves, the leaf hash itself for one leaf.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leafHashes"/> is null.</exception>
    /// <exception cref="ArgumentException">A leaf hash is null or not 32 bytes.</exception>
    public static byte[] RootFromLeafHashes(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        for (var i = 0; i < leafHashes.Count; i++)
        {
            if (leafHashes[i] is not { Length: HashSize })
            {
                throw new ArgumentException($"Leaf hash {i} is null or not 32 bytes.", nameof(leafHashes));
            }
        }

        return leafHashes.Count == 0 ? MerkleHasher.EmptyRoot : TreeHash(leafHashes, 0, leafHashes.Count);
    }

    /// <summary>MTH(D[low:high]) for high - low ≥ 1.</summary>
    private static byte[] TreeHash(IReadOnlyList<byte[]> leafHashes, int low, int high)
    {
        if (high - low == 1)
        {
            return (byte[])leafHashes[low].Clone();
        }

        var split = low + (int)LargestPowerOfTwoBelow(high - low);
        return MerkleHasher.NodeHash(TreeHash(leafHashes, low, split), TreeHash(leafHashes, split, high));
    }

    /// <summary>MTH(D[low:high]) for high - low ≥ 1, streamed.</summary>
    private static byte[] SubtreeRoot(long low, long high, Func<long, byte[]> leafHashAt)
    {
        var tree = new StreamingMerkleTree();
        for (var i = low; i < high; i++)
        {
            var leafHash = leafHashAt(i);
            if (leafHash is not { Length: HashSize })
            {
                throw new ArgumentException($"The leaf hash returned for leaf {i} is null or not 32 bytes.", nameof(leafHashAt));
            }

            tree.Append(leafHash);
        }

        return tree.Root();
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n ≥ 2).</summary>
    private static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
