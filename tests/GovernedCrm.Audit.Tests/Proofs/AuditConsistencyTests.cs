using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Proofs;
using GovernedCrm.Audit.Tests.Merkle;

namespace GovernedCrm.Audit.Tests.Proofs;

/// <summary>Consistency proofs between two sizes of a chain: built from the database, checked offline, tampering refused.</summary>
public sealed class AuditConsistencyTests
{
    public static TheoryData<string> ConsistencyVectorFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in MerkleTestVectors.Files("consistency").Where(f => !f.EndsWith("sizes-are-equal-one-and-proof-is-empty.json", StringComparison.Ordinal)))
            {
                data.Add(file);
            }

            return data;
        }
    }

    [Fact]
    public async Task BuildThenCheck_BetweenTwoSignedCheckpoints_Holds()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 25);
        await audit.AppendAndCloseAsync(100);

        var bundle = await AuditConsistency.BuildAsync(audit.Paths.DatabasePath, "default", 25, 100, CancellationToken.None);
        var holds = AuditConsistency.Check(bundle, audit.VerifierKey, null, null, out var code, out var problem);

        holds.Should().BeTrue(problem);
        code.Should().BeNull();
        bundle.Proof.Should().NotBeEmpty();
        NoteVerifier.TryVerifyCheckpoint(bundle.OldCheckpoint!, audit.VerifierKey, out var old).Should().BeTrue();
        NoteVerifier.TryVerifyCheckpoint(bundle.NewCheckpoint!, audit.VerifierKey, out var @new).Should().BeTrue();
        Convert.ToBase64String(old!.RootHash).Should().Be(bundle.OldRoot);
        Convert.ToBase64String(@new!.RootHash).Should().Be(bundle.NewRoot);
        AuditConsistency.Read(AuditConsistency.Write(bundle)).Should().BeEquivalentTo(bundle);
        AuditConsistency.WriteLines(bundle).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(bundle.Proof);
    }

    [Fact]
    public async Task TamperedProofHash_Refused_WithTheConsistencyCode()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 25);
        await audit.AppendAndCloseAsync(100);
        var bundle = await AuditConsistency.BuildAsync(audit.Paths.DatabasePath, "default", 30, 77, CancellationToken.None);
        var hash = Convert.FromBase64String(bundle.Proof[0]);
        hash[7] ^= 0x20;
        var tampered = bundle with { Proof = [Convert.ToBase64String(hash), .. bundle.Proof.Skip(1)] };

        AuditConsistency.Check(bundle, null, null, null, out _, out _).Should().BeTrue();
        AuditConsistency.Check(tampered, null, null, null, out var code, out var problem).Should().BeFalse();
        code.Should().Be(AuditConsistency.InvalidCode);
        problem.Should().Be("the proof does not show that the tree of 77 entries extends the tree of 30");
    }

    [Fact]
    public async Task CheckpointOfAnotherKeyOrRoot_Refused_WithTheCheckpointCode()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 25);
        await audit.AppendAndCloseAsync(100);
        var bundle = await AuditConsistency.BuildAsync(audit.Paths.DatabasePath, "default", 25, 100, CancellationToken.None);
        using var other = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "other", "k.key"), "governed-crm-audit");
        var forged = other.SignCheckpoint(new Checkpoint("governed-crm/audit/default", 25, Convert.FromBase64String(bundle.OldRoot)));

        AuditConsistency.Check(bundle, audit.VerifierKey, forged, null, out var code, out var problem).Should().BeFalse();
        code.Should().Be(AuditConsistency.CheckpointCode);
        problem.Should().Be("the old checkpoint is not validly signed by this key");

        var otherRoot = bundle with { OldRoot = bundle.NewRoot };
        AuditConsistency.Check(otherRoot, audit.VerifierKey, null, null, out code, out _).Should().BeFalse();
        code.Should().Be(AuditConsistency.CheckpointCode, "the signed checkpoint at 25 has another root than the one given");
    }

    [Fact]
    public async Task SizeBeyondTheChain_InvalidOperation()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 25);
        await audit.AppendAndCloseAsync(10);

        var build = async () => await AuditConsistency.BuildAsync(audit.Paths.DatabasePath, "default", 5, 11, CancellationToken.None);

        (await build.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Be("chain 'default' has 10 entries, fewer than 11");
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectorFiles))]
    public void Check_TransparencyDevVector_HoldsForHappyPathsAndRefusesModifiedOnes(string file)
    {
        var vector = MerkleTestVectors.LoadConsistency(file);
        var bundle = new ConsistencyProofBundle
        {
            Chain = "default",
            OldSize = vector.Size1,
            NewSize = vector.Size2,
            OldRoot = Convert.ToBase64String(vector.Root1),
            NewRoot = Convert.ToBase64String(vector.Root2),
            Proof = [.. vector.ProofOrEmpty.Select(Convert.ToBase64String)],
        };

        var holds = AuditConsistency.Check(AuditConsistency.Read(AuditConsistency.Write(bundle))!, null, null, null, out var code, out _);

        holds.Should().Be(!vector.WantError, "{0}: {1}", file, vector.Description);
        code.Should().Be(vector.WantError ? AuditConsistency.InvalidCode : null);
    }
}
