using System.Diagnostics;
using System.Text.Json;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Witnesses;
using static GovernedCrm.Audit.Tests.Witnesses.WitnessTestSupport;

namespace GovernedCrm.Audit.Tests.Witnesses;

/// <summary>Publishing signed checkpoints to a witness folder, a plain HTTP collector and a C2SP tlog-witness double.</summary>
public sealed class WitnessPublishingTests
{
    [Fact]
    public async Task DirectoryWitness_EachCheckpointIsTheSignedNoteOfTheDatabase_AndNoTemporaryFileIsLeft()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var witness = Folder(audit);
        await audit.CloseAsync();
        await audit.OpenAsync(checkpointEvery: 10, witnesses: [witness]);

        for (var round = 1; round <= 3; round++)
        {
            await audit.AppendAsync(10);
            var size = round * 10;
            await WaitUntilAsync(() => File.Exists(WitnessFile(witness.Location, size)), audit, $"the checkpoint at {size} reaches the folder");
        }

        await audit.AppendAsync(4);
        await audit.CloseAsync();

        WitnessedSizes(witness.Location).Should().Equal(10, 20, 30, 34);
        foreach (var size in WitnessedSizes(witness.Location))
        {
            (await File.ReadAllTextAsync(WitnessFile(witness.Location, size))).Should().Be(await CheckpointNoteAsync(audit, size));
        }

        Directory.EnumerateFiles(Path.Combine(witness.Location, Uri.EscapeDataString(Origin)), "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public async Task DirectoryWitness_SameNoteAgainIsANoOp_ADifferentNoteAtThatSizeIsRefusedAndTheFirstKept()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        await audit.AppendAndCloseAsync(10);
        var witness = new DirectoryWitness(Folder(audit).Location);
        var note = await CheckpointNoteAsync(audit, 10);
        using var other = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "other", "k.key"), "governed-crm-audit");
        var forged = other.SignCheckpoint(new Checkpoint(Origin, 10, new byte[32]));

        await witness.PublishAsync(Submission(note), CancellationToken.None);
        await witness.PublishAsync(Submission(note), CancellationToken.None);
        var refused = async () => await witness.PublishAsync(Submission(forged), CancellationToken.None);

        (await refused.Should().ThrowAsync<WitnessException>()).Which.Message.Should().Contain("already holds a different checkpoint of chain 'default' at size 10");
        (await witness.ReadAsync(Origin, CancellationToken.None)).Should().Equal(note);
    }

    [Fact]
    public async Task DirectoryWitness_FolderMissing_IsAFailureNotAFolderCreatedOnTheHost()
    {
        var witness = new DirectoryWitness(Path.Combine(Path.GetTempPath(), "governedcrm-no-such-volume-" + Guid.NewGuid().ToString("N")));

        var publish = async () => await witness.PublishAsync(Submission("x"), CancellationToken.None);

        (await publish.Should().ThrowAsync<WitnessException>()).Which.Message.Should().Contain("does not exist (is its volume mounted?)");
        Directory.Exists(witness.Name).Should().BeFalse();
    }

    [Fact]
    public async Task TlogWitness_CosignsEachCheckpointAfterCheckingTheConsistencyProofFromItsSize_AndTheCosignatureIsKept()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var opened = await ReopenWithDoubleAsync(audit, 10);
        await using var double_ = opened.Double;

        for (var round = 1; round <= 3; round++)
        {
            await audit.AppendAsync(10);
            var size = round * 10;
            await WaitUntilAsync(() => double_.SizeOf(Origin) == size, audit, $"the witness cosigns the checkpoint at {size}");
        }

        await audit.CloseAsync();

        var accepted = double_.Requests.Where(r => r.Status == 200).ToList();
        accepted.Select(r => r.Old).Should().Equal(0, 10, 20);
        accepted.Skip(1).Should().OnlyContain(r => r.Proof > 0, "each later checkpoint comes with the proof from the size the witness holds");
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.EnumerateFiles(audit.Paths.WitnessStateFolder, "*.json").Single()));
        var position = state.RootElement.GetProperty("chains").GetProperty("default");
        position.GetProperty("size").GetInt64().Should().Be(30);
        CosignatureVerifier.TryVerify(position.GetProperty("cosigned").GetString()!, double_.VerifierKey, out var cosigned, out _).Should().BeTrue();
        cosigned!.Size.Should().Be(30);
        NoteVerifier.TryVerifyCheckpoint(position.GetProperty("cosigned").GetString()!, audit.VerifierKey, out _).Should().BeTrue("the log's own signature stays on the note");
    }

    [Fact]
    public async Task HttpCollector_GetsTheNewestSignedNote()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var opened = await ReopenWithDoubleAsync(audit, 10, collector: true);
        await using var double_ = opened.Double;

        await audit.AppendAsync(25);
        await audit.CloseAsync();

        double_.NoteSizeOf(Origin).Should().Be(25);
        double_.Requests.Should().OnlyContain(r => r.Path == "/notes" && r.Status == 204);
    }

    [Fact]
    public async Task WitnessDown_NoAppendWaitsForIt_ThenItCatchesUpWithTheNewestCheckpoint()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 20);
        var opened = await ReopenWithDoubleAsync(audit, 20);
        await using var double_ = opened.Double;
        double_.Down = true;

        // Each request to the witness hangs for the 2 s request timeout; appends must not notice.
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 200; i++)
        {
            var one = Stopwatch.StartNew();
            await audit.AppendAsync(1);
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var whileDown = double_.SizeOf(Origin);
        double_.Down = false;
        await WaitUntilAsync(() => double_.SizeOf(Origin) == 200, audit, "the witness gets the newest checkpoint once it is back");
        await audit.CloseAsync();

        slowest.Should().BeLessThan(TimeSpan.FromSeconds(1.5), "an append never waits for a witness (each request to it hung 2 s)");
        whileDown.Should().Be(0);
        double_.Requests.Where(r => r.Status == 200).Should().ContainSingle("after the outage only the newest checkpoint is sent: it vouches for the ones before it")
            .Which.Old.Should().Be(0);
    }

    [Fact]
    public async Task Restart_PublishingResumesFromTheDurablePosition_WithAProofFromThere()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var opened = await ReopenWithDoubleAsync(audit, 10);
        await using var double_ = opened.Double;
        var witness = opened.Target;
        await audit.AppendAndCloseAsync(10);
        double_.SizeOf(Origin).Should().Be(10);

        // Checkpoints signed while no witness was configured (a CLI verb, a server started without --witness).
        await audit.OpenAsync(checkpointEvery: 10);
        await audit.AppendAndCloseAsync(15);
        double_.SizeOf(Origin).Should().Be(10);

        await audit.OpenAsync(checkpointEvery: 10, witnesses: [witness]);
        await WaitUntilAsync(() => double_.SizeOf(Origin) == 25, audit, "the lane catches up at start");
        await audit.CloseAsync();

        double_.Requests.Where(r => r.Status == 200).Select(r => r.Old).Should().Equal(0, 10);
        double_.Requests.Should().NotContain(r => r.Status == 409, "the position file said what the witness holds");
    }

    private static WitnessSubmission Submission(string note) =>
        new("default", note, 10, 0, (_, _) => Task.FromResult<IReadOnlyList<byte[]>>([]));
}
