using GovernedCrm.Audit.Merkle;

namespace GovernedCrm.Audit.Tests.Merkle;

/// <summary>
/// The transparency-dev/merkle proof vectors (TestData/merkle): every happy path verifies, every modified
/// one is rejected. A null proof in a file is Go's nil slice, i.e. an empty proof.
/// </summary>
public sealed partial class MerkleProofsTests
{
    /// <summary>
    /// Vectors whose expectation this verifier deliberately does not share, with the reason. The test asserts
    /// the documented behaviour instead, so a change in either direction is noticed.
    /// </summary>
    private static readonly Dictionary<string, string> DeliberateDeviations = new(StringComparer.Ordinal)
    {
        ["consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"] =
            "its equal roots are the 12-byte placeholder \"don't care 2\"; upstream compares roots with bytes.Equal, "
            + "this verifier rejects any root that is not a 32-byte hash (the same case with real roots is accepted)",
    };

    public static TheoryData<string> InclusionVectorFiles => ToTheoryData(MerkleTestVectors.Files("inclusion"));

    public static TheoryData<string> ConsistencyVectorFiles => ToTheoryData(MerkleTestVectors.Files("consistency"));

    [Theory]
    [MemberData(nameof(InclusionVectorFiles))]
    public void VerifyInclusion_TransparencyDevVector_AcceptsHappyPathsAndRejectsModified(string file)
    {
        var vector = MerkleTestVectors.LoadInclusion(file);

        var verified = MerkleProofs.VerifyInclusion(vector.Index, vector.Size, vector.LeafHash, vector.ProofOrEmpty, vector.Root);

        verified.Should().Be(ExpectedVerdict(file, vector.WantError), "{0}: {1}", file, vector.Description);
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectorFiles))]
    public void VerifyConsistency_TransparencyDevVector_AcceptsHappyPathsAndRejectsModified(string file)
    {
        var vector = MerkleTestVectors.LoadConsistency(file);

        var verified = MerkleProofs.VerifyConsistency(vector.Size1, vector.Size2, vector.ProofOrEmpty, vector.Root1, vector.Root2);

        verified.Should().Be(ExpectedVerdict(file, vector.WantError), "{0}: {1}", file, vector.Description);
    }

    [Fact]
    public void VerifyConsistency_PlaceholderRootsVector_IsTheOnlyDeviationAndRealRootsPass()
    {
        var file = DeliberateDeviations.Keys.Single();
        var vector = MerkleTestVectors.LoadConsistency(file);
        vector.WantError.Should().BeFalse();
        vector.Root1.Should().HaveCount(12).And.Equal(vector.Root2);

        MerkleProofs.VerifyConsistency(vector.Size1, vector.Size2, vector.ProofOrEmpty, vector.Root1, vector.Root2)
            .Should().BeFalse("a 12-byte root is not a hash");
        MerkleProofs.VerifyConsistency(vector.Size1, vector.Size2, vector.ProofOrEmpty, SomeHash, SomeHash)
            .Should().BeTrue("equal sizes, empty proof and equal 32-byte roots are consistent");
    }

    [Fact]
    public void VectorFiles_BothKinds_ArePresentInTheOutputFolder()
    {
        // Guards the data-driven theories against silently enumerating nothing.
        MerkleTestVectors.Files("inclusion").Should().HaveCountGreaterThan(90);
        MerkleTestVectors.Files("consistency").Should().HaveCountGreaterThan(90);
        File.Exists(Path.Combine(MerkleTestVectors.Directory, "LICENSE")).Should().BeTrue();
    }

    [Theory]
    [InlineData("inclusion/0/happy-path.json")]
    [InlineData("inclusion/1/happy-path.json")]
    [InlineData("inclusion/2/happy-path.json")]
    [InlineData("inclusion/3/happy-path.json")]
    [InlineData("inclusion/4/happy-path.json")]
    public void InclusionProof_ReferenceTree_EqualsTheVectorProof(string file)
    {
        var vector = MerkleTestVectors.LoadInclusion(file);
        vector.WantError.Should().BeFalse();
        vector.Root.Should().Equal(ReferenceTree.RootOf(vector.Size), "the vector is built on the reference tree");
        vector.LeafHash.Should().Equal(ReferenceTree.LeafHashes[(int)vector.Index]);

        var proof = MerkleProofs.InclusionProof(vector.Index, vector.Size, ReferenceTree.LeafHashAt(vector.Size));

        proof.Select(Convert.ToHexStringLower).Should().Equal(vector.ProofOrEmpty.Select(Convert.ToHexStringLower));
    }

    [Theory]
    [InlineData("consistency/0/happy-path.json")]
    [InlineData("consistency/1/happy-path.json")]
    [InlineData("consistency/2/happy-path.json")]
    [InlineData("consistency/3/happy-path.json")]
    [InlineData("consistency/4/happy-path.json")]
    public void ConsistencyProof_ReferenceTree_EqualsTheVectorProof(string file)
    {
        var vector = MerkleTestVectors.LoadConsistency(file);
        vector.WantError.Should().BeFalse();
        vector.Root1.Should().Equal(ReferenceTree.RootOf(vector.Size1), "the vector is built on the reference tree");
        vector.Root2.Should().Equal(ReferenceTree.RootOf(vector.Size2));

        var proof = MerkleProofs.ConsistencyProof(vector.Size1, vector.Size2, ReferenceTree.LeafHashAt(vector.Size2));

        proof.Select(Convert.ToHexStringLower).Should().Equal(vector.ProofOrEmpty.Select(Convert.ToHexStringLower));
    }

    private static bool ExpectedVerdict(string file, bool wantError)
    {
        if (DeliberateDeviations.ContainsKey(file))
        {
            return false;
        }

        return !wantError;
    }

    private static TheoryData<string> ToTheoryData(IEnumerable<string> files)
    {
        var data = new TheoryData<string>();
        foreach (var file in files)
        {
            data.Add(file);
        }

        return data;
    }
}
