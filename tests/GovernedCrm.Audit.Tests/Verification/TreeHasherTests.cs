using System.Security.Cryptography;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Tests.Verification;

/// <summary>
/// The one implementation of the RFC 6962 framing (OpenSSL's low-level SHA-256 where available, else IncrementalHash),
/// which <see cref="MerkleHasher"/> delegates to: both ways equal SHA-256 of the framed bytes.
/// </summary>
public sealed class TreeHasherTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeafAndNode_EveryLength_Sha256OfTheFramedBytes(bool nativeCalls)
    {
        using var hasher = new TreeHasher(nativeCalls);
        var data = new byte[10_000];
        new Random(6962).NextBytes(data);
        var hash = new byte[32];
        foreach (var length in Enumerable.Range(0, 600).Concat([4094, 4095, 4096, 4097, 10_000]))
        {
            hasher.Leaf(data.AsSpan(0, length), hash);
            hash.Should().Equal(SHA256.HashData([0x00, .. data.AsSpan(0, length)]), $"leaf of {length} bytes");
        }

        var left = MerkleHasher.LeafHash([1]);
        var right = MerkleHasher.LeafHash([2]);
        hasher.Node(left, right, hash);
        hash.Should().Equal(SHA256.HashData([0x01, .. left, .. right]));
        hasher.Node(left, right, left);
        left.Should().Equal(hash, "the destination may overlap an input");

        foreach (var (l, r) in new[] { (0, 0), (31, 33), (300, 200), (2048, 2048), (5000, 3) })
        {
            hasher.Node(data.AsSpan(0, l), data.AsSpan(l, r), hash);
            hash.Should().Equal(SHA256.HashData([0x01, .. data.AsSpan(0, l + r)]), $"node of {l} and {r} bytes");
        }
    }

    [Fact]
    public void MerkleHasher_DelegatesToTheSameFraming()
    {
        using var hasher = new TreeHasher();
        var data = new byte[500];
        new Random(9162).NextBytes(data);
        var hash = new byte[32];

        hasher.Leaf(data, hash);
        MerkleHasher.LeafHash(data).Should().Equal(hash);
        hasher.Node(data.AsSpan(0, 32), data.AsSpan(32, 32), hash);
        MerkleHasher.NodeHash(data.AsSpan(0, 32), data.AsSpan(32, 32)).Should().Equal(hash);
    }
}
