using System.Security.Cryptography;
using GovernedCrm.Audit.Merkle;

namespace GovernedCrm.Audit.Tests.Merkle;

public sealed class MerkleHasherTests
{
    [Fact]
    public void EmptyRoot_Always_IsSha256OfTheEmptyString()
    {
        Convert.ToHexStringLower(MerkleHasher.EmptyRoot)
            .Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void EmptyRoot_CallerModifiesCopy_DoesNotChangeLaterValues()
    {
        var first = MerkleHasher.EmptyRoot;
        first[0] ^= 0xFF;

        MerkleHasher.EmptyRoot.Should().Equal(SHA256.HashData(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void LeafHash_ReferenceTreeLeaves_MatchPublishedHashes()
    {
        for (var i = 0; i < ReferenceTree.Size; i++)
        {
            Convert.ToHexStringLower(MerkleHasher.LeafHash(ReferenceTree.LeafData[i]))
                .Should().Be(ReferenceTree.LeafHashesHex[i], "leaf {0}", i);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(10_000)]
    public void LeafHash_AnyLength_IsSha256OfZeroPrefixAndData(int length)
    {
        var data = RandomBytes(length, seed: length);

        var expected = SHA256.HashData([0x00, .. data]);

        MerkleHasher.LeafHash(data).Should().Equal(expected);
        var destination = new byte[MerkleHasher.HashSize];
        MerkleHasher.LeafHash(data, destination);
        destination.Should().Equal(expected);
    }

    [Fact]
    public void LeafHash_DestinationOverlapsData_HashesTheOriginalData()
    {
        var buffer = RandomBytes(100, seed: 7);
        var expected = SHA256.HashData([0x00, .. buffer]);

        MerkleHasher.LeafHash(buffer, buffer);

        buffer.AsSpan(0, 32).ToArray().Should().Equal(expected);
    }

    [Fact]
    public void LeafHash_DestinationTooShort_ThrowsArgumentException()
    {
        var act = () => MerkleHasher.LeafHash([1, 2, 3], new byte[31]);

        act.Should().Throw<ArgumentException>().WithParameterName("destination");
    }

    [Fact]
    public void NodeHash_TwoHashes_IsSha256OfOnePrefixLeftAndRight()
    {
        var left = RandomBytes(32, seed: 1);
        var right = RandomBytes(32, seed: 2);
        var expected = SHA256.HashData([0x01, .. left, .. right]);

        MerkleHasher.NodeHash(left, right).Should().Equal(expected);
    }

    [Fact]
    public void NodeHash_ReferenceTreeFirstPair_MatchesPublishedNode()
    {
        MerkleHasher.NodeHash(ReferenceTree.LeafHashes[0], ReferenceTree.LeafHashes[1])
            .Should().Equal(ReferenceTree.RootOf(2));
    }

    [Fact]
    public void NodeHash_DestinationIsAnInput_HashesTheOriginalInputs()
    {
        var left = RandomBytes(32, seed: 3);
        var right = RandomBytes(32, seed: 4);
        var expected = SHA256.HashData([0x01, .. left, .. right]);

        var leftCopy = (byte[])left.Clone();
        MerkleHasher.NodeHash(leftCopy, right, leftCopy);
        leftCopy.Should().Equal(expected);

        var rightCopy = (byte[])right.Clone();
        MerkleHasher.NodeHash(left, rightCopy, rightCopy);
        rightCopy.Should().Equal(expected);
    }

    [Fact]
    public void NodeHash_LongInputs_IsSha256OfOnePrefixLeftAndRight()
    {
        var left = RandomBytes(300, seed: 5);
        var right = RandomBytes(200, seed: 6);
        var expected = SHA256.HashData([0x01, .. left, .. right]);

        MerkleHasher.NodeHash(left, right).Should().Equal(expected);
    }

    [Fact]
    public void NodeHash_DestinationTooShort_ThrowsArgumentException()
    {
        var act = () => MerkleHasher.NodeHash(new byte[32], new byte[32], new byte[16]);

        act.Should().Throw<ArgumentException>().WithParameterName("destination");
    }

    [Fact]
    public void LeafHash_ManyThreads_GiveTheSameResults()
    {
        var data = Enumerable.Range(0, 64).Select(i => RandomBytes(i * 7, seed: i)).ToArray();
        var expected = data.Select(d => SHA256.HashData([0x00, .. d])).ToArray();

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var k = i % data.Length;
            MerkleHasher.LeafHash(data[k]).Should().Equal(expected[k]);
        });
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
