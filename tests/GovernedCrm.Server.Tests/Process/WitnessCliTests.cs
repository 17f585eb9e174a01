using System.Text.Json;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// The real executable with witnesses: <c>serve</c> publishes to a folder (GOVERNEDCRM_WITNESS) and to the tlog-witness
/// double, <c>verify --witness</c> catches the host owner's rewrite, and the consistency proof verbs.
/// </summary>
public sealed class WitnessCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-witnesscli-").FullName;

    private string Data => Path.Combine(_folder, "data");

    private string WitnessFolder => Path.Combine(_folder, "witness");

    [Fact]
    public async Task ServeWithWitnessFolder_ThenVerifyWitness_Valid_ThenHostRewrite_PlainVerifyPasses_VerifyWitnessIsWitnessMismatch()
    {
        Directory.CreateDirectory(WitnessFolder);
        await RunCallsAsync(new Dictionary<string, string?> { ["GOVERNEDCRM_WITNESS"] = WitnessFolder });

        var (validCode, valid, _) = await ServerProcess.RunAsync(["verify", "--data", Data, "--witness", WitnessFolder]);
        await HostRewrite.RewriteAsync(AuditPaths.InDataFolder(Data), "default", from: 3);
        var (plainCode, plain, _) = await ServerProcess.RunAsync(["verify", "--data", Data]);
        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--data", Data, "--witness", WitnessFolder]);
        var (jsonCode, json, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", Data, "--witness", WitnessFolder]);

        validCode.Should().Be(0, valid);
        valid.Split('\n').Should().Contain($"witness {WitnessFolder}: chain 'default' extends its 1 checkpoint(s), the newest at size 9");
        plainCode.Should().Be(0, "the host owner re-signed everything: {0}", plain);
        code.Should().Be(1);
        stdout.Split('\n')[0].Should().Be(
            $"chain broken at position 8: WITNESS_MISMATCH (chain 'default': the first 9 entries are not the ones witness {WitnessFolder} holds a checkpoint of at that size)");
        jsonCode.Should().Be(1);
        using var report = JsonDocument.Parse(json);
        report.RootElement.GetProperty("valid").GetBoolean().Should().BeFalse();
        report.RootElement.GetProperty("code").GetString().Should().Be("WITNESS_MISMATCH");
        report.RootElement.GetProperty("position").GetInt64().Should().Be(8);
    }

    [Fact]
    public async Task ServeWithTlogWitness_CosignedCheckpoint_VerifyWithThePinnedWitnessKey_Valid()
    {
        await RunCallsAsync();
        var (_, key, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);
        await using var witness = new WitnessDouble(key.Trim());
        await witness.StartAsync();
        await RunCallsAsync(new Dictionary<string, string?> { ["GOVERNEDCRM_WITNESS"] = witness.AddCheckpointUrl.ToString() });

        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["verify", "--data", Data, "--witness", witness.AddCheckpointUrl.ToString(), "--witness-key", witness.VerifierKey]);

        witness.SizeOf("governed-crm/audit/default").Should().Be(18);
        code.Should().Be(0, stdout + stderr);
        stdout.Split('\n').Should().Contain($"witness {witness.AddCheckpointUrl}: chain 'default' extends its 1 checkpoint(s), the newest at size 18");
    }

    [Fact]
    public async Task VerifyWitness_Unreachable_Exit2_WitnessUnavailable()
    {
        await RunCallsAsync();

        var (code, json, stderr) = await ServerProcess.RunAsync(["verify", "--json", "--data", Data, "--witness", "http://127.0.0.1:1/add-checkpoint"]);

        code.Should().Be(2);
        using var error = JsonDocument.Parse(json);
        error.RootElement.GetProperty("code").GetString().Should().Be("audit.witness_unavailable");
        stderr.Should().StartWith("governed-crm: error: witness http://127.0.0.1:1/add-checkpoint is unreachable");
    }

    [Fact]
    public async Task ServeWitness_NotAWitness_Exit2OneLine_DataFolderNotCreated()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--data", Data, "--witness", "ftp://witness.example/x"]);

        code.Should().Be(2);
        stderr.Should().Be("governed-crm: error: --witness: a witness URL must be http:// or https://\n");
        Directory.Exists(Data).Should().BeFalse();
    }

    [Fact]
    public async Task ProveConsistency_ThenCheckConsistency_Holds_ATamperedProofIsRefusedWithCodeExit1()
    {
        await RunCallsAsync();
        var (_, key, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);
        var (proveCode, proof, proveErr) = await ServerProcess.RunAsync(["audit", "prove-consistency", "3", "9", "--data", Data]);
        var (_, lines, _) = await ServerProcess.RunAsync(["audit", "prove-consistency", "3", "9", "--format", "lines", "--data", Data]);
        var file = Path.Combine(_folder, "consistency.json");
        await File.WriteAllTextAsync(file, proof);
        var bundle = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(proof)!;
        var hashes = bundle["proof"].EnumerateArray().Select(p => p.GetString()!).ToList();
        var first = Convert.FromBase64String(hashes[0]);
        first[0] ^= 1;
        bundle["proof"] = JsonSerializer.SerializeToElement(new[] { Convert.ToBase64String(first) }.Concat(hashes.Skip(1)));
        var tamperedFile = Path.Combine(_folder, "tampered.json");
        await File.WriteAllTextAsync(tamperedFile, JsonSerializer.Serialize(bundle));

        var (code, stdout, _) = await ServerProcess.RunAsync(["audit", "check-consistency", file, "--pubkey", key.Trim()]);
        var (badCode, _, badErr) = await ServerProcess.RunAsync(["audit", "check-consistency", tamperedFile, "--pubkey", key.Trim()]);
        var (badJsonCode, badJson, _) = await ServerProcess.RunAsync(["audit", "check-consistency", tamperedFile, "--json"]);

        proveCode.Should().Be(0, proveErr);
        lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(hashes);
        bundle["newCheckpoint"].GetString().Should().StartWith("governed-crm/audit/default\n9\n");
        code.Should().Be(0);
        stdout.Should().StartWith("consistency proof valid: the tree of 9 entries of chain 'default' extends the tree of 3 ");
        badCode.Should().Be(1);
        badErr.Should().StartWith("governed-crm: refused: audit.consistency_invalid: consistency proof invalid: the proof does not show");
        badJsonCode.Should().Be(1);
        using var refusal = JsonDocument.Parse(badJson.Split('\n')[0]);
        refusal.RootElement.GetProperty("code").GetString().Should().Be("audit.consistency_invalid");
    }

    [Fact]
    public async Task ProveConsistency_BeyondTheChain_Exit1Unavailable_BadSizes_Exit2()
    {
        await RunCallsAsync();

        var (beyond, beyondJson, _) = await ServerProcess.RunAsync(["audit", "prove-consistency", "3", "99", "--json", "--data", Data]);
        var (bad, _, badErr) = await ServerProcess.RunAsync(["audit", "prove-consistency", "0", "5", "--data", Data]);

        beyond.Should().Be(1);
        using var refusal = JsonDocument.Parse(beyondJson.Split('\n')[0]);
        refusal.RootElement.GetProperty("code").GetString().Should().Be("audit.proof_unavailable");
        refusal.RootElement.GetProperty("message").GetString().Should().Be("chain 'default' has 9 entries, fewer than 99");
        bad.Should().Be(2);
        badErr.Should().Be("governed-crm: error: OLD must be at least 1 and NEW at least OLD (got 0 and 5)\n");
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    // Three calls: 9 entries, final checkpoint at 9 (18 after a second run) on SIGTERM.
    private Task<IReadOnlyList<JsonElement>> RunCallsAsync(Dictionary<string, string?>? environment = null)
    {
        var env = environment ?? [];
        env["GOVERNEDCRM_USER"] = "auditor-test";
        return ServerSession.RunAsync(Data, [ServerSession.GetDeal("3001"), ServerSession.UpdateDeal("3001", 4242), ServerSession.GetDeal("3001")], env);
    }
}
