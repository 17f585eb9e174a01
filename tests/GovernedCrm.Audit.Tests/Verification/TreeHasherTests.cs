using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Tests.Verification;

/// <summary>The verifier's per-thread hasher (OpenSSL's low-level SHA-256 where available, else IncrementalHash) must equal <see cref="MerkleHasher"/>.</summary>
public sealed class TreeHasherTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeafAndNode_EveryLength_SameAsMerkleHasher(bool nativeCalls)
    {
        using var hasher = new TreeHasher(nativeCalls);
        var data = new byte[10_000];
        new Random(6962).NextBytes(data);
        var hash = new byte[32];
        foreach (var length in Enumerable.Range(0, 600).Concat([4095, 4096, 4097, 10_000]))
        {
            hasher.Leaf(data.AsSpan(0, length), hash);
            hash.Should().Equal(MerkleHasher.LeafHash(data.AsSpan(0, length)), $"leaf of {length} bytes");
        }

        var left = MerkleHasher.LeafHash([1]);
        var right = MerkleHasher.LeafHash([2]);
        hasher.Node(left, right, hash);
        hash.Should().Equal(MerkleHasher.NodeHash(left, right));
        hasher.Node(left, right, left);
        left.Should().Equal(hash, "the destination may overlap an input");
    }
}
