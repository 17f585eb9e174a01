using GovernedCrm.Audit.Merkle;

namespace GovernedCrm.Audit.Tests.Merkle;

/// <summary>
/// Property-style tests on random trees of up to 300 leaves (fixed seeds, so failures reproduce): the
/// streaming root equals the reference root for every prefix, every generated proof verifies, and changing
/// any byte of a proof, leaf hash or root makes verification fail.
/// </summary>
public sealed partial class MerkleProofsTests
{
    private const int PropertySeed = 6962;
    private const int MaxPropertyLeaves = 300;

    /// <summary>Sizes around powers of two, 300, and a few random sizes.</summary>
    public static TheoryData<int> PropertyTreeSizes
    {
        get
        {
            var random = new Random(PropertySeed);
            int[] edges = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, MaxPropertyLeaves];
            var data = new TheoryData<int>();
            foreach (var size in edges.Concat(Enumerable.Range(0, 4).Select(_ => random.Next(10, MaxPropertyLeaves))).Distinct())
            {
                data.Add(size);
            }

            return data;
        }
    }

    [Fact]
    public void RootFromLeafHashes_EveryPrefixOfRandomTree_EqualsStreamingRoot()
    {
        var leaves = StreamingMerkleTreeTests.RandomLeafHashes(MaxPropertyLeaves, PropertySeed);
        var tree = new StreamingMerkleTree();
        tree.Root().Should().Equal(MerkleProofs.RootFromLeafHashes([]));

        for (var i = 0; i < leaves.Length; i++)
        {
            tree.Append(leaves[i]);

            tree.Root().Should().Equal(MerkleProofs.RootFromLeafHashes(leaves[..(i + 1)]), "prefix of {0} leaves", i + 1);
        }
    }

    [Theory]
    [MemberData(nameof(PropertyTreeSizes))]
    public void InclusionProof_EveryLeafOfRandomTree_VerifiesAndEveryByteFlipFails(int size)
    {
        var leaves = StreamingMerkleTreeTests.RandomLeafHashes(size, PropertySeed + size);
        var root = MerkleProofs.RootFromLeafHashes(leaves);
        var random = new Random(PropertySeed ^ size);

        for (var index = 0; index < size; index++)
        {
            var proof = MerkleProofs.InclusionProof(index, size, i => leaves[i]);

            proof.Count.Should().BeLessThanOrEqualTo(CeilingLog2(size));
            MerkleProofs.VerifyInclusion(index, size, leaves[index], proof, root)
                .Should().BeTrue("leaf {0} of {1}", index, size);

            if (!CheckEveryFlip(index, size, random))
            {
                continue;
            }

            foreach (var (tampered, what) in EveryByteFlipped(proof, random))
            {
                MerkleProofs.VerifyInclusion(index, size, leaves[index], tampered, root)
                    .Should().BeFalse("leaf {0} of {1}: {2}", index, size, what);
            }

            foreach (var (tamperedLeaf, what) in EveryByteFlipped(leaves[index], random))
            {
                MerkleProofs.VerifyInclusion(index, size, tamperedLeaf, proof, root)
                    .Should().BeFalse("leaf {0} of {1}: leaf hash {2}", index, size, what);
            }

            foreach (var (tamperedRoot, what) in EveryByteFlipped(root, random))
            {
                MerkleProofs.VerifyInclusion(index, size, leaves[index], proof, tamperedRoot)
                    .Should().BeFalse("leaf {0} of {1}: root {2}", index, size, what);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PropertyTreeSizes))]
    public void ConsistencyProof_EveryOlderSizeOfRandomTree_VerifiesAndEveryByteFlipFails(int size)
    {
        var leaves = StreamingMerkleTreeTests.RandomLeafHashes(size, PropertySeed + size);
        var prefixRoots = PrefixRoots(leaves);
        var root2 = prefixRoots[size];
        var random = new Random(PropertySeed ^ (size << 10));

        for (var size1 = 1; size1 <= size; size1++)
        {
            var root1 = prefixRoots[size1];
            var proof = MerkleProofs.ConsistencyProof(size1, size, i => leaves[i]);

            proof.Count.Should().BeLessThanOrEqualTo(2 * CeilingLog2(size));
            MerkleProofs.VerifyConsistency(size1, size, proof, root1, root2)
                .Should().BeTrue("{0} -> {1}", size1, size);

            if (!CheckEveryFlip(size1, size, random))
            {
                continue;
            }

            foreach (var (tampered, what) in EveryByteFlipped(proof, random))
            {
                MerkleProofs.VerifyConsistency(size1, size, tampered, root1, root2)
                    .Should().BeFalse("{0} -> {1}: {2}", size1, size, what);
            }

            foreach (var (tamperedRoot1, what) in EveryByteFlipped(root1, random))
            {
                MerkleProofs.VerifyConsistency(size1, size, proof, tamperedRoot1, root2)
                    .Should().BeFalse("{0} -> {1}: root1 {2}", size1, size, what);
            }

            foreach (var (tamperedRoot2, what) in EveryByteFlipped(root2, random))
            {
                MerkleProofs.VerifyConsistency(size1, size, proof, root1, tamperedRoot2)
                    .Should().BeFalse("{0} -> {1}: root2 {2}", size1, size, what);
            }
        }
    }

    [Fact]
    public void Proofs_RandomPairsInRandomTree_Verify()
    {
        var leaves = StreamingMerkleTreeTests.RandomLeafHashes(MaxPropertyLeaves, PropertySeed + 1);
        var prefixRoots = PrefixRoots(leaves);
        var random = new Random(PropertySeed + 2);

        for (var round = 0; round < 400; round++)
        {
            var size = random.Next(1, MaxPropertyLeaves + 1);
            var index = random.Next(0, size);
            var inclusion = MerkleProofs.InclusionProof(index, size, i => leaves[i]);
            MerkleProofs.VerifyInclusion(index, size, leaves[index], inclusion, prefixRoots[size])
                .Should().BeTrue("leaf {0} of {1}", index, size);
            MerkleProofs.VerifyInclusion(index, size, leaves[index], inclusion, prefixRoots[size == 1 ? 2 : size - 1])
                .Should().BeFalse("leaf {0} of {1} against another size's root", index, size);

            var size1 = random.Next(1, size + 1);
            var consistency = MerkleProofs.ConsistencyProof(size1, size, i => leaves[i]);
            MerkleProofs.VerifyConsistency(size1, size, consistency, prefixRoots[size1], prefixRoots[size])
                .Should().BeTrue("{0} -> {1}", size1, size);
            if (size1 < size)
            {
                MerkleProofs.VerifyConsistency(size1, size, consistency, prefixRoots[size], prefixRoots[size1])
                    .Should().BeFalse("{0} -> {1} with the roots swapped", size1, size);
            }
        }
    }

    /// <summary>Every flip for small trees, the first and last positions, and about one position in eight otherwise.</summary>
    private static bool CheckEveryFlip(int position, int size, Random random) =>
        size <= 33 || position <= 1 || position >= size - 1 || random.Next(8) == 0;

    /// <summary>Copies of <paramref name="proof"/>, each with one byte of one hash changed (XOR with a random non-zero mask).</summary>
    private static IEnumerable<(IReadOnlyList<byte[]> Proof, string What)> EveryByteFlipped(IReadOnlyList<byte[]> proof, Random random)
    {
        for (var element = 0; element < proof.Count; element++)
        {
            foreach (var (flipped, what) in EveryByteFlipped(proof[element], random))
            {
                var copy = proof.ToArray();
                copy[element] = flipped;
                yield return (copy, $"proof[{element}] {what}");
            }
        }
    }

    /// <summary>Copies of <paramref name="hash"/>, each with one byte changed (XOR with a random non-zero mask).</summary>
    private static IEnumerable<(byte[] Hash, string What)> EveryByteFlipped(byte[] hash, Random random)
    {
        for (var i = 0; i < hash.Length; i++)
        {
            var copy = (byte[])hash.Clone();
            var mask = (byte)random.Next(1, 256);
            copy[i] ^= mask;
            yield return (copy, $"byte {i} ^ 0x{mask:x2}");
        }
    }

    /// <summary>prefixRoots[k] = root of the first k leaves, k = 0..n.</summary>
    private static byte[][] PrefixRoots(byte[][] leaves)
    {
        var roots = new byte[leaves.Length + 1][];
        var tree = new StreamingMerkleTree();
        roots[0] = tree.Root();
        for (var i = 0; i < leaves.Length; i++)
        {
            tree.Append(leaves[i]);
            roots[i + 1] = tree.Root();
        }

        return roots;
    }

    private static int CeilingLog2(int n) => n <= 1 ? 0 : 32 - int.LeadingZeroCount(n - 1);
}
