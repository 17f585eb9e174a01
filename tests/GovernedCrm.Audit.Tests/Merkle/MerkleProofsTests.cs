using GovernedCrm.Audit.Merkle;

namespace GovernedCrm.Audit.Tests.Merkle;

/// <summary>Reference-tree and edge-case tests; the vector and property tests are in the other parts.</summary>
public sealed partial class MerkleProofsTests
{
    private static readonly byte[] SomeHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");

    [Fact]
    public void RootFromLeafHashes_ReferenceTreePrefixes_MatchPublishedRoots()
    {
        for (var size = 0; size <= ReferenceTree.Size; size++)
        {
            Convert.ToHexStringLower(MerkleProofs.RootFromLeafHashes(ReferenceTree.LeafHashes.Take(size).ToArray()))
                .Should().Be(ReferenceTree.RootsHex[size], "size {0}", size);
        }
    }

    [Fact]
    public void RootFromLeafHashes_AllEightReferenceLeaves_IsTheRfc6962Root()
    {
        Convert.ToHexStringLower(MerkleProofs.RootFromLeafHashes(ReferenceTree.LeafHashes))
            .Should().Be("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    }

    [Fact]
    public void RootFromLeafHashes_OneLeaf_ReturnsACopyOfTheLeaf()
    {
        var leaf = (byte[])SomeHash.Clone();

        var root = MerkleProofs.RootFromLeafHashes([leaf]);

        root.Should().Equal(leaf).And.NotBeSameAs(leaf);
    }

    [Fact]
    public void RootFromLeafHashes_BadArguments_Throw()
    {
        FluentActions.Invoking(() => MerkleProofs.RootFromLeafHashes(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => MerkleProofs.RootFromLeafHashes([SomeHash, null!])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => MerkleProofs.RootFromLeafHashes([SomeHash, new byte[31]])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void InclusionProof_EveryLeafOfEveryReferencePrefix_Verifies()
    {
        var checkedProofs = 0;
        for (long size = 1; size <= ReferenceTree.Size; size++)
        {
            var root = ReferenceTree.RootOf(size);
            for (long index = 0; index < size; index++)
            {
                var proof = MerkleProofs.InclusionProof(index, size, ReferenceTree.LeafHashAt(size));

                MerkleProofs.VerifyInclusion(index, size, ReferenceTree.LeafHashes[(int)index], proof, root)
                    .Should().BeTrue("leaf {0} of {1}", index, size);
                checkedProofs++;
            }
        }

        checkedProofs.Should().Be(36);
    }

    [Fact]
    public void ConsistencyProof_EveryPairOfReferencePrefixes_Verifies()
    {
        var checkedProofs = 0;
        for (long size2 = 1; size2 <= ReferenceTree.Size; size2++)
        {
            for (long size1 = 1; size1 <= size2; size1++)
            {
                var proof = MerkleProofs.ConsistencyProof(size1, size2, ReferenceTree.LeafHashAt(size2));

                MerkleProofs.VerifyConsistency(size1, size2, proof, ReferenceTree.RootOf(size1), ReferenceTree.RootOf(size2))
                    .Should().BeTrue("{0} -> {1}", size1, size2);
                if (size1 == size2)
                {
                    proof.Should().BeEmpty();
                }

                checkedProofs++;
            }
        }

        checkedProofs.Should().Be(36);
    }

    [Fact]
    public void InclusionProof_OneLeafTree_IsEmpty()
    {
        MerkleProofs.InclusionProof(0, 1, ReferenceTree.LeafHashAt(1)).Should().BeEmpty();
        MerkleProofs.VerifyInclusion(0, 1, ReferenceTree.LeafHashes[0], [], ReferenceTree.RootOf(1)).Should().BeTrue();
    }

    [Fact]
    public void InclusionProof_BadArguments_ThrowArgumentExceptions()
    {
        var leafHashAt = ReferenceTree.LeafHashAt(8);

        FluentActions.Invoking(() => MerkleProofs.InclusionProof(0, 8, null!))
            .Should().Throw<ArgumentNullException>().WithParameterName("leafHashAt");
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(-1, 8, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(0, -1, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size");
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(8, 8, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(0, 0, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
    }

    [Fact]
    public void ConsistencyProof_BadArguments_ThrowArgumentExceptions()
    {
        var leafHashAt = ReferenceTree.LeafHashAt(8);

        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(1, 8, null!))
            .Should().Throw<ArgumentNullException>().WithParameterName("leafHashAt");
        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(-1, 8, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size1");
        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(1, -1, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size2");
        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(5, 4, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size1");
        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(0, 4, leafHashAt))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size1");
    }

    [Fact]
    public void Generators_CallbackReturnsMalformedHash_ThrowArgumentException()
    {
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(0, 4, _ => null!))
            .Should().Throw<ArgumentException>().WithParameterName("leafHashAt");
        FluentActions.Invoking(() => MerkleProofs.InclusionProof(0, 4, _ => new byte[16]))
            .Should().Throw<ArgumentException>().WithParameterName("leafHashAt");
        FluentActions.Invoking(() => MerkleProofs.ConsistencyProof(3, 4, _ => new byte[33]))
            .Should().Throw<ArgumentException>().WithParameterName("leafHashAt");
    }

    [Fact]
    public void Generators_LargeTree_ReadEachLeafAFewTimesAndVerify()
    {
        // 2^16 + 3 leaves: 17 levels. The generators stream subtrees, so each proof reads O(n) leaves
        // without recursing; this checks the results against the streaming root.
        const long Size = (1L << 16) + 3;
        var leaves = StreamingMerkleTreeTests.RandomLeafHashes((int)Size, seed: 17);
        var tree = new StreamingMerkleTree();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        var root = tree.Root();
        long reads = 0;
        byte[] LeafHashAt(long i)
        {
            reads++;
            return leaves[i];
        }

        foreach (var index in new[] { 0L, 37_777L, Size - 1 })
        {
            reads = 0;
            var proof = MerkleProofs.InclusionProof(index, Size, LeafHashAt);

            reads.Should().BeLessThan(Size, "the leaf itself is never read");
            MerkleProofs.VerifyInclusion(index, Size, leaves[index], proof, root).Should().BeTrue();
        }

        var oldTree = new StreamingMerkleTree();
        for (var i = 0; i < 50_001; i++)
        {
            oldTree.Append(leaves[i]);
        }

        reads = 0;
        var consistency = MerkleProofs.ConsistencyProof(oldTree.Size, Size, LeafHashAt);
        reads.Should().BeLessThanOrEqualTo(2 * Size);
        MerkleProofs.VerifyConsistency(oldTree.Size, Size, consistency, oldTree.Root(), root).Should().BeTrue();
    }

    [Fact]
    public void VerifyInclusion_MalformedInput_ReturnsFalseWithoutThrowing()
    {
        const long Index = 5;
        const long Size = 8;
        var leaf = ReferenceTree.LeafHashes[(int)Index];
        var root = ReferenceTree.RootOf(Size);
        var proof = MerkleProofs.InclusionProof(Index, Size, ReferenceTree.LeafHashAt(Size)).ToArray();
        MerkleProofs.VerifyInclusion(Index, Size, leaf, proof, root).Should().BeTrue("the unmodified proof is valid");

        MerkleProofs.VerifyInclusion(Index, Size, leaf, null!, root).Should().BeFalse("null proof");
        MerkleProofs.VerifyInclusion(-1, Size, leaf, proof, root).Should().BeFalse("negative index");
        MerkleProofs.VerifyInclusion(Index, -1, leaf, proof, root).Should().BeFalse("negative size");
        MerkleProofs.VerifyInclusion(Size, Size, leaf, proof, root).Should().BeFalse("index == size");
        MerkleProofs.VerifyInclusion(0, 0, leaf, [], root).Should().BeFalse("empty tree");
        MerkleProofs.VerifyInclusion(long.MaxValue, long.MinValue, leaf, proof, root).Should().BeFalse("extreme values");
        MerkleProofs.VerifyInclusion(Index, Size, leaf.AsSpan(0, 31), proof, root).Should().BeFalse("short leaf hash");
        MerkleProofs.VerifyInclusion(Index, Size, [.. leaf, 0], proof, root).Should().BeFalse("long leaf hash");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, proof, root.AsSpan(0, 31)).Should().BeFalse("short root");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, proof, [.. root, 0]).Should().BeFalse("long root");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, proof, []).Should().BeFalse("empty root");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, [proof[0], null!, proof[2]], root).Should().BeFalse("null element");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, [proof[0], proof[1][..31], proof[2]], root).Should().BeFalse("short element");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, [proof[0], [.. proof[1], 0], proof[2]], root).Should().BeFalse("long element");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, proof[..2], root).Should().BeFalse("truncated");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, [.. proof, SomeHash], root).Should().BeFalse("trailing hash");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, [SomeHash, .. proof], root).Should().BeFalse("preceding hash");
        MerkleProofs.VerifyInclusion(Index, Size, leaf, Enumerable.Repeat(SomeHash, 10_000).ToArray(), root).Should().BeFalse("huge proof");
    }

    [Fact]
    public void VerifyConsistency_MalformedInput_ReturnsFalseWithoutThrowing()
    {
        const long Size1 = 6;
        const long Size2 = 8;
        var root1 = ReferenceTree.RootOf(Size1);
        var root2 = ReferenceTree.RootOf(Size2);
        var proof = MerkleProofs.ConsistencyProof(Size1, Size2, ReferenceTree.LeafHashAt(Size2)).ToArray();
        MerkleProofs.VerifyConsistency(Size1, Size2, proof, root1, root2).Should().BeTrue("the unmodified proof is valid");

        MerkleProofs.VerifyConsistency(Size1, Size2, null!, root1, root2).Should().BeFalse("null proof");
        MerkleProofs.VerifyConsistency(-1, Size2, proof, root1, root2).Should().BeFalse("negative size1");
        MerkleProofs.VerifyConsistency(Size1, -1, proof, root1, root2).Should().BeFalse("negative size2");
        MerkleProofs.VerifyConsistency(Size2, Size1, proof, root2, root1).Should().BeFalse("size1 > size2");
        MerkleProofs.VerifyConsistency(long.MaxValue, long.MinValue, proof, root1, root2).Should().BeFalse("extreme values");
        MerkleProofs.VerifyConsistency(Size1, Size2, [], root1, root2).Should().BeFalse("empty proof");
        MerkleProofs.VerifyConsistency(Size1, Size2, proof, root1.AsSpan(0, 31), root2).Should().BeFalse("short root1");
        MerkleProofs.VerifyConsistency(Size1, Size2, proof, root1, [.. root2, 0]).Should().BeFalse("long root2");
        MerkleProofs.VerifyConsistency(Size1, Size2, [proof[0], null!, proof[2]], root1, root2).Should().BeFalse("null element");
        MerkleProofs.VerifyConsistency(Size1, Size2, [proof[0], proof[1][..31], proof[2]], root1, root2).Should().BeFalse("short element");
        MerkleProofs.VerifyConsistency(Size1, Size2, proof[..2], root1, root2).Should().BeFalse("truncated");
        MerkleProofs.VerifyConsistency(Size1, Size2, [.. proof, SomeHash], root1, root2).Should().BeFalse("trailing hash");
        MerkleProofs.VerifyConsistency(Size1, Size2, Enumerable.Repeat(SomeHash, 10_000).ToArray(), root1, root2).Should().BeFalse("huge proof");
    }

    [Fact]
    public void VerifyConsistency_EqualSizes_NeedEmptyProofAndEqualRoots()
    {
        var root = ReferenceTree.RootOf(5);

        MerkleProofs.VerifyConsistency(5, 5, [], root, root).Should().BeTrue();
        MerkleProofs.VerifyConsistency(5, 5, [], root, ReferenceTree.RootOf(4)).Should().BeFalse("different roots");
        MerkleProofs.VerifyConsistency(5, 5, [root], root, root).Should().BeFalse("non-empty proof");
        MerkleProofs.VerifyConsistency(5, 5, [], root.AsSpan(0, 31), root.AsSpan(0, 31)).Should().BeFalse("roots that are not hashes");
    }

    [Fact]
    public void VerifyConsistency_FromEmptyTree_ReturnsFalse()
    {
        // RFC 9162 defines consistency proofs for 0 < size1 only; transparency-dev/merkle rejects size1 = 0 too.
        var empty = MerkleHasher.EmptyRoot;

        MerkleProofs.VerifyConsistency(0, 0, [], empty, empty).Should().BeFalse();
        MerkleProofs.VerifyConsistency(0, 8, [], empty, ReferenceTree.RootOf(8)).Should().BeFalse();
    }
}
