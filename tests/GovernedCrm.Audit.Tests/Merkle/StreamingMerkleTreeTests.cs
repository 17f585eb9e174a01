using System.Diagnostics;
using System.Numerics;
using GovernedCrm.Audit.Merkle;
using Xunit.Abstractions;

namespace GovernedCrm.Audit.Tests.Merkle;

public sealed class StreamingMerkleTreeTests(ITestOutputHelper output)
{
    [Fact]
    public void Root_NewTree_IsEmptyRoot()
    {
        var tree = new StreamingMerkleTree();

        tree.Size.Should().Be(0);
        tree.Root().Should().Equal(MerkleHasher.EmptyRoot);
    }

    [Fact]
    public void Root_ReferenceTreeAfterEachAppend_MatchesPublishedRootsAndReference()
    {
        var tree = new StreamingMerkleTree();

        for (var i = 0; i < ReferenceTree.Size; i++)
        {
            tree.Append(ReferenceTree.LeafHashes[i]);

            tree.Size.Should().Be(i + 1);
            var root = tree.Root();
            Convert.ToHexStringLower(root).Should().Be(ReferenceTree.RootsHex[i + 1]);
            root.Should().Equal(MerkleProofs.RootFromLeafHashes(ReferenceTree.LeafHashes.Take(i + 1).ToArray()));
        }

        Convert.ToHexStringLower(tree.Root()).Should().Be("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    }

    [Fact]
    public void Root_CalledRepeatedlyBetweenAppends_DoesNotDisturbTheTree()
    {
        var leaves = RandomLeafHashes(100, seed: 11);
        var probed = new StreamingMerkleTree();
        var untouched = new StreamingMerkleTree();

        foreach (var leaf in leaves)
        {
            probed.Append(leaf);
            untouched.Append(leaf);
            var first = probed.Root();
            var span = new byte[40];
            probed.Root(span);
            probed.Root().Should().Equal(first);
            span.AsSpan(0, 32).ToArray().Should().Equal(first);
        }

        probed.Root().Should().Equal(untouched.Root());
        probed.Size.Should().Be(untouched.Size);
    }

    [Fact]
    public void Root_ReturnedArrayModified_DoesNotChangeTheTree()
    {
        var tree = new StreamingMerkleTree();
        tree.Append(ReferenceTree.LeafHashes[0]);
        tree.Append(ReferenceTree.LeafHashes[1]);

        tree.Root()[0] ^= 0xFF;

        tree.Root().Should().Equal(ReferenceTree.RootOf(2));
    }

    [Fact]
    public void Append_CompactRange_HoldsOneRootPerSetBitOfSize()
    {
        var tree = new StreamingMerkleTree();
        var leaf = new byte[32];

        for (var i = 1; i <= 5_000; i++)
        {
            tree.Append(leaf);
            tree.CompactRangeLength.Should().Be(BitOperations.PopCount((ulong)i));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Append_LeafHashNot32Bytes_ThrowsArgumentException(int length)
    {
        var tree = new StreamingMerkleTree();

        var act = () => tree.Append(new byte[length]);

        act.Should().Throw<ArgumentException>().WithParameterName("leafHash");
        tree.Size.Should().Be(0);
    }

    [Fact]
    public void Root_DestinationTooShort_ThrowsArgumentException()
    {
        var tree = new StreamingMerkleTree();

        var act = () => tree.Root(new byte[31]);

        act.Should().Throw<ArgumentException>().WithParameterName("destination");
    }

    [Fact]
    public void Append_ManyLeaves_DoesNotAllocate()
    {
        var tree = new StreamingMerkleTree();
        Span<byte> leaf = stackalloc byte[32];
        Span<byte> root = stackalloc byte[32];

        // Warm up: JIT, tiering, and this thread's cached SHA-256 instance.
        for (var i = 0; i < 1_000; i++)
        {
            tree.Append(leaf);
        }

        tree.Root(root);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            leaf[0] = (byte)i;
            tree.Append(leaf);
        }

        tree.Root(root);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One allocation per call would be at least 100,000 x 24 bytes; the slack absorbs one-off runtime
        // allocations (tiered JIT, on-stack replacement) that land on this thread during the loop.
        allocated.Should().BeLessThan(64 * 1024, "Append and Root(Span) must not allocate per call");
    }

    [Fact]
    public void Root_SixtyFiveThousandLeaves_MatchesReference()
    {
        // 2^16 + 1 leaves: a perfect subtree of height 16 plus one leaf; Append(2^16 + 1) cascades 16 merges.
        var leaves = RandomLeafHashes((1 << 16) + 1, seed: 65_537);
        var tree = new StreamingMerkleTree();
        var stopwatch = Stopwatch.StartNew();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        var root = tree.Root();
        stopwatch.Stop();
        output.WriteLine($"{leaves.Length:N0} appends + root: {stopwatch.Elapsed.TotalMilliseconds:F1} ms");

        root.Should().Equal(MerkleProofs.RootFromLeafHashes(leaves));
        tree.CompactRangeLength.Should().Be(2);
    }

    internal static byte[][] RandomLeafHashes(int count, int seed)
    {
        var random = new Random(seed);
        var leaves = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            leaves[i] = new byte[32];
            random.NextBytes(leaves[i]);
        }

        return leaves;
    }
}
