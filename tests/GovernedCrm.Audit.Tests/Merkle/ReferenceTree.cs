using GovernedCrm.Audit.Merkle;

namespace GovernedCrm.Audit.Tests.Merkle;

/// <summary>The 8-leaf RFC 6962 test tree used by Certificate Transparency and transparency-dev/merkle.</summary>
internal static class ReferenceTree
{
    /// <summary>The leaf data.</summary>
    public static readonly IReadOnlyList<byte[]> LeafData =
    [
        [],
        Convert.FromHexString("00"),
        Convert.FromHexString("10"),
        Convert.FromHexString("2021"),
        Convert.FromHexString("3031"),
        Convert.FromHexString("40414243"),
        Convert.FromHexString("5051525354555657"),
        Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    /// <summary>The leaf hashes (level 0 of transparency-dev/merkle testonly.NodeHashes).</summary>
    public static readonly IReadOnlyList<string> LeafHashesHex =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ];

    /// <summary>The roots of the prefixes of size 0 to 8 (transparency-dev/merkle testonly.RootHashes).</summary>
    public static readonly IReadOnlyList<string> RootsHex =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// <summary>The leaf hashes, computed with <see cref="MerkleHasher.LeafHash(ReadOnlySpan{byte})"/>.</summary>
    public static readonly IReadOnlyList<byte[]> LeafHashes = LeafData.Select(d => MerkleHasher.LeafHash(d)).ToArray();

    /// <summary>The number of leaves.</summary>
    public static int Size => LeafData.Count;

    /// <summary>The root of the first <paramref name="size"/> leaves, from <see cref="RootsHex"/>.</summary>
    public static byte[] RootOf(long size) => Convert.FromHexString(RootsHex[(int)size]);

    /// <summary>A leafHashAt callback over the reference leaves that fails for leaves beyond <paramref name="size"/>.</summary>
    public static Func<long, byte[]> LeafHashAt(long size) => i =>
    {
        i.Should().BeInRange(0, size - 1, "a generator must only read leaves inside the tree");
        return LeafHashes[(int)i];
    };
}
