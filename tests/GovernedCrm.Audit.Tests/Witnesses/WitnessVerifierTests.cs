using GovernedCrm.Audit.Verification;
using GovernedCrm.Audit.Witnesses;
using static GovernedCrm.Audit.Tests.Witnesses.WitnessTestSupport;

namespace GovernedCrm.Audit.Tests.Witnesses;

/// <summary>
/// verify against a witness: the host owner's rewrite (new key, entries re-linked after a position, checkpoints and
/// anchor re-signed) passes the plain verify, and is WITNESS_MISMATCH at the first witnessed size it changed.
/// </summary>
public sealed class WitnessVerifierTests
{
    [Fact]
    public async Task UntouchedChain_ExtendsEveryWitnessedCheckpoint()
    {
        await using var audit = await WitnessedTrailAsync();
        var witness = Folder(audit);

        var check = await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], null, CancellationToken.None);

        check.Mismatch.Should().BeNull();
        check.Chains.Should().ContainSingle().Which.Should().Be(new WitnessChainCheck("default", 5, 50));
        WitnessVerifier.Apply(await audit.VerifyAsync(), check).Valid.Should().BeTrue();
    }

    [Fact]
    public async Task HostRewriteAfterEntry23_PlainVerifyPasses_TheWitnessFolderReportsWitnessMismatchAt29()
    {
        await using var audit = await WitnessedTrailAsync();
        var witness = Folder(audit);

        var newKey = await HostRewrite.RewriteAsync(audit.Paths, "default", from: 24);
        var plain = await audit.VerifyAsync(verifierKey: newKey);
        var check = await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], null, CancellationToken.None);
        var report = WitnessVerifier.Apply(plain, check);

        plain.Valid.Should().BeTrue("the host owner re-signed everything with a key of their own: {0}", plain.Summary);
        report.Valid.Should().BeFalse();
        report.Code.Should().Be(VerifyCodes.WitnessMismatch);
        report.Position.Should().Be(29, "entries 24.. changed; the witness holds checkpoints at 10, 20, 30, 40, 50 and the one at 30 is the first that differs");
        report.Summary.Should().StartWith("chain broken at position 29: WITNESS_MISMATCH (chain 'default': the first 30 entries are not the ones witness ")
            .And.Contain("its checkpoint at 20 still matches, so the change is in entries 20 to 29");
    }

    [Fact]
    public async Task HostTruncatesBelowTheWitnessedSize_WitnessMismatchAtTheNewLength()
    {
        await using var audit = await WitnessedTrailAsync();
        var witness = Folder(audit);

        var newKey = await HostRewrite.RewriteAsync(audit.Paths, "default", from: 45, truncateTo: 45);
        var plain = await audit.VerifyAsync(verifierKey: newKey);
        var check = await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], null, CancellationToken.None);

        plain.Valid.Should().BeTrue(plain.Summary);
        check.Mismatch.Should().Be(new WitnessMismatch("default", 45, $"chain 'default': the chain has 45 entries but witness {witness.Name} holds a checkpoint of 50"));
    }

    [Fact]
    public async Task HostRewrite_TlogWitnessCosignedNewest_WitnessMismatch_AndTheWitnessRefusesTheNewKey()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var opened = await ReopenWithDoubleAsync(audit, 10);
        await using var double_ = opened.Double;
        var witness = opened.Target;
        await audit.AppendAndCloseAsync(30);
        var before = await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], double_.VerifierKey, CancellationToken.None);

        await HostRewrite.RewriteAsync(audit.Paths, "default", from: 5);
        var after = await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], double_.VerifierKey, CancellationToken.None);
        await audit.OpenAsync(checkpointEvery: 10, witnesses: [witness]);
        await audit.AppendAndCloseAsync(10);

        before.Mismatch.Should().BeNull();
        before.Chains.Should().ContainSingle().Which.NewestSize.Should().Be(30);
        after.Mismatch!.Position.Should().Be(29);
        double_.SizeOf(Origin).Should().Be(30, "checkpoints signed by the host's new key are refused (403): the witness keeps the old tree");
        double_.Requests.Should().Contain(r => r.Status == 403);
    }

    [Fact]
    public async Task PinnedWitnessKey_AnswerNotCosignedByIt_IsAnErrorNotAPass()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var opened = await ReopenWithDoubleAsync(audit, 10);
        await using var double_ = opened.Double;
        await using var impostor = new WitnessDouble(audit.VerifierKey, "witness.test/impostor");
        var witness = opened.Target;
        await audit.AppendAndCloseAsync(10);

        var check = async () => await WitnessVerifier.CheckAsync(audit.Paths.DatabasePath, witness, ["default"], impostor.VerifierKey, CancellationToken.None);

        (await check.Should().ThrowAsync<WitnessException>()).Which.Message.Should().Contain("cosigned by the pinned witness key");
    }

    [Fact]
    public async Task WitnessUnreachable_WitnessException()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        await audit.AppendAndCloseAsync(10);

        var check = async () => await WitnessVerifier.CheckAsync(
            audit.Paths.DatabasePath, WitnessTarget.Parse("http://127.0.0.1:1/add-checkpoint"), ["default"], null, CancellationToken.None);

        (await check.Should().ThrowAsync<WitnessException>()).Which.Message.Should().StartWith("witness http://127.0.0.1:1/add-checkpoint is unreachable");
    }

    [Theory]
    [InlineData("", "the value is empty")]
    [InlineData("ftp://example.com/x", "must be http:// or https://")]
    [InlineData("https://user:pw@example.com/add-checkpoint", "must not carry credentials")]
    public void WitnessTarget_BadValues_AreRefusedWithoutEchoingCredentials(string value, string message)
    {
        var parse = () => WitnessTarget.Parse(value);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain(message).And.NotContain("pw");
    }

    [Fact]
    public void WitnessTarget_Kinds_AndNamesWithoutQuery()
    {
        WitnessTarget.Parse("https://w.example/prefix/add-checkpoint").Kind.Should().Be(WitnessKind.TlogWitness);
        WitnessTarget.Parse("https://collector.example/checkpoints?token=s3cret").Should().Match<WitnessTarget>(t => t.Kind == WitnessKind.Http && t.Name == "https://collector.example/checkpoints");
        WitnessTarget.Parse("relative/folder").Should().Be(new WitnessTarget(WitnessKind.Directory, Path.GetFullPath("relative/folder")));
        WitnessTarget.Resolve([], " /a , https://w.example/add-checkpoint ,, /a").Should().HaveCount(2);
    }

    /// <summary>50 entries, checkpoints every 10, each published to the witness folder before the next round.</summary>
    private static async Task<TempAudit> WitnessedTrailAsync()
    {
        var audit = await TempAudit.CreateAsync(checkpointEvery: 10);
        var witness = Folder(audit);
        await audit.CloseAsync();
        await audit.OpenAsync(checkpointEvery: 10, witnesses: [witness]);
        for (var round = 1; round <= 5; round++)
        {
            await audit.AppendAsync(10);
            await WaitUntilAsync(() => File.Exists(WitnessFile(witness.Location, round * 10)), audit, "published");
        }

        await audit.CloseAsync();
        WitnessedSizes(witness.Location).Should().Equal(10, 20, 30, 40, 50);
        return audit;
    }
}
