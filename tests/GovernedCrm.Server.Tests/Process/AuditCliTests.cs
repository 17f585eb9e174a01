using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>The audit verbs of the real executable: verify, audit pubkey, prove, check-proof, export; and startup on a corrupt audit file.</summary>
public sealed class AuditCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-auditcli-").FullName;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    public async Task Verify_AfterServerRun_ValidExit0WithExactFirstLine()
    {
        await RunCallsAsync();

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--data", Data]);

        code.Should().Be(0);
        stdout.Split('\n')[0].Should().MatchRegex(@"^chain valid: 9 entries walked in \d+ ms$");
    }

    [Fact]
    public async Task VerifyJson_AfterServerRun_OneObjectWithValidEntriesPositionCode()
    {
        await RunCallsAsync();

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", Data]);

        code.Should().Be(0);
        using var report = JsonDocument.Parse(stdout);
        report.RootElement.GetProperty("valid").GetBoolean().Should().BeTrue();
        report.RootElement.GetProperty("entries").GetInt64().Should().Be(9);
        report.RootElement.GetProperty("position").ValueKind.Should().Be(JsonValueKind.Null);
        report.RootElement.GetProperty("code").ValueKind.Should().Be(JsonValueKind.Null);
        report.RootElement.GetProperty("warnings").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Verify_TornAnchorRecord_ValidWithAWarningLine_AndInTheJson()
    {
        await RunCallsAsync();
        var anchor = Path.Combine(Data, "audit-checkpoints.anchor");
        var lines = (await File.ReadAllTextAsync(anchor)).Split('\n').Length - 1;
        await File.AppendAllTextAsync(anchor, "governed-crm/audit/default\n12\n");

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--data", Data]);
        var (jsonCode, json, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", Data]);

        var expected = $"anchor file line {lines + 1}: an unfinished record at the end of the file; left out";
        code.Should().Be(0);
        stdout.Split('\n')[0].Should().StartWith("chain valid: 9 entries");
        stdout.Split('\n').Should().Contain($"warning: {expected}");
        jsonCode.Should().Be(0);
        using var report = JsonDocument.Parse(json);
        report.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).Should().Equal(expected);
    }

    [Fact]
    public async Task Verify_BodyEdited_Exit1BrokenAtPosition()
    {
        await RunCallsAsync();
        await TamperAsync("DROP TRIGGER audit_entries_append_only_update; UPDATE audit_entries SET body = body || x'00' WHERE seq = 4");

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--data", Data]);
        var (jsonCode, json, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", Data]);

        code.Should().Be(1);
        stdout.Split('\n')[0].Should().Be("chain broken at position 4: BODY_HASH_MISMATCH (chain 'default': entry 4's body does not hash to its stored hash)");
        jsonCode.Should().Be(1);
        using var report = JsonDocument.Parse(json);
        report.RootElement.GetProperty("valid").GetBoolean().Should().BeFalse();
        report.RootElement.GetProperty("position").GetInt64().Should().Be(4);
        report.RootElement.GetProperty("code").GetString().Should().Be("BODY_HASH_MISMATCH");
    }

    [Fact]
    public async Task Verify_PinnedWrongKey_Exit1BadSignature()
    {
        await RunCallsAsync();
        var other = Path.Combine(_folder, "other");
        await RunCallsAsync(other);
        var (_, otherKey, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", other]);

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--data", Data, "--pubkey", otherKey.Trim()]);

        code.Should().Be(1);
        stdout.Should().Contain("BAD_SIGNATURE");
    }

    [Fact]
    public async Task Verify_NoAuditDatabase_Exit2()
    {
        Directory.CreateDirectory(Data);
        var (code, _, stderr) = await ServerProcess.RunAsync(["verify", "--data", Data]);

        code.Should().Be(2);
        stderr.Should().StartWith("governed-crm: error: there is no audit database");
    }

    [Fact]
    public async Task AuditPubkey_PrintsC2spVerifierKeyAndKeepsItStable()
    {
        await RunCallsAsync(); // The server creates the key; audit pubkey only reads it.
        var (first, key1, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);
        var (_, key2, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);

        first.Should().Be(0);
        key1.Trim().Should().MatchRegex(@"^governed-crm-audit\+[0-9a-f]{8}\+[A-Za-z0-9+/=]{44,}$");
        key2.Should().Be(key1);
    }

    [Fact]
    public async Task ProveThenCheckProof_OfflineWithPublicKey_Valid()
    {
        await RunCallsAsync();
        var (_, key, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);
        var (proveCode, proof, proveErr) = await ServerProcess.RunAsync(["audit", "prove", "5", "--data", Data]);
        proveCode.Should().Be(0, proveErr);
        var proofFile = Path.Combine(_folder, "proof.json");
        await File.WriteAllTextAsync(proofFile, proof);

        var (code, stdout, _) = await ServerProcess.RunAsync(["audit", "check-proof", proofFile, "--pubkey", key.Trim()]);

        code.Should().Be(0);
        stdout.Should().StartWith("proof valid: entry 5 of chain 'default' is in the signed log of 9 entries");
    }

    [Fact]
    public async Task CheckProof_AlteredBody_Exit1()
    {
        await RunCallsAsync();
        var (_, key, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", Data]);
        var (_, proof, _) = await ServerProcess.RunAsync(["audit", "prove", "2", "--data", Data]);
        var bundle = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(proof)!;
        var body = Convert.FromBase64String(bundle["body"].GetString()!);
        body[^2] ^= 1;
        bundle["body"] = JsonSerializer.SerializeToElement(Convert.ToBase64String(body));
        var proofFile = Path.Combine(_folder, "altered.json");
        await File.WriteAllTextAsync(proofFile, JsonSerializer.Serialize(bundle));

        var (code, stdout, _) = await ServerProcess.RunAsync(["audit", "check-proof", proofFile, "--pubkey", key.Trim()]);

        code.Should().Be(1);
        stdout.Should().StartWith("proof invalid: the inclusion proof does not lead to the signed root");
    }

    [Fact]
    public async Task Export_JsonLines_OnePerEntryWithStableFields()
    {
        await RunCallsAsync();

        var (code, stdout, _) = await ServerProcess.RunAsync(["audit", "export", "--data", Data]);
        var (_, since, _) = await ServerProcess.RunAsync(["audit", "export", "--since", "6", "--data", Data]);

        code.Should().Be(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(9);
        using var proposed = JsonDocument.Parse(lines.First(l => l.Contains("\"event\":\"proposed\"", StringComparison.Ordinal) && l.Contains("UpdateRecord", StringComparison.Ordinal)));
        var entry = proposed.RootElement;
        entry.GetProperty("chain").GetString().Should().Be("default");
        entry.GetProperty("tool").GetString().Should().Be("CRM.UpdateRecord");
        entry.GetProperty("previousValues").GetProperty("amount").GetDecimal().Should().Be(1000m);
        entry.GetProperty("proposedValues").GetProperty("amount").GetDecimal().Should().Be(4242m);
        entry.GetProperty("actor").GetString().Should().Be("auditor-test");
        since.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
    }

    [Fact]
    public async Task VerifyChainTool_Admin_ReturnsSameReportAsCli()
    {
        var answers = await ServerSession.RunAsync(
            Data,
            [ServerSession.GetDeal("3001"), """{"name":"Audit.VerifyChain","arguments":{}}"""],
            new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "root-admin", ["GOVERNEDCRM_ADMINS"] = "someone, root-admin" });

        var report = answers.Single(a => a.GetProperty("id").GetInt32() == 2).GetProperty("result");
        report.TryGetProperty("isError", out _).Should().BeFalse(report.ToString());
        var structured = report.GetProperty("structuredContent");
        structured.GetProperty("valid").GetBoolean().Should().BeTrue();
        structured.GetProperty("summary").GetString().Should().StartWith("chain valid: ");
    }

    [Fact]
    public async Task VerifyChainTool_NotAdmin_DeniedAndAudited()
    {
        var answers = await ServerSession.RunAsync(
            Data,
            ["""{"name":"Audit.VerifyChain","arguments":{"tenant":"default"}}"""],
            new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "rep-user" });

        var result = answers.Single(a => a.GetProperty("id").GetInt32() == 1).GetProperty("result");
        result.GetProperty("isError").GetBoolean().Should().BeTrue();
        result.GetProperty("structuredContent").GetProperty("error").GetProperty("code").GetString().Should().Be("policy.denied.admin_only");
        var (_, export, _) = await ServerProcess.RunAsync(["audit", "export", "--data", Data]);
        export.Should().Contain("\"outcome\":\"denied:policy.denied.admin_only\"").And.Contain("\"rule\":\"builtin.admin-tools\"");
    }

    [Fact]
    public async Task Serve_CorruptAuditDatabase_Exit2OneLine()
    {
        Directory.CreateDirectory(Data);
        await File.WriteAllBytesAsync(Path.Combine(Data, "audit.db"), Enumerable.Repeat((byte)0x42, 8192).ToArray());

        var (code, _, stderr) = await ServerProcess.RunAsync(["--data", Data]);

        code.Should().Be(2);
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().Contain("audit.db");
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    // Three calls: 3 entries each (received, proposed, executed) = 9 entries, final checkpoint at 9 on SIGTERM.
    private Task<IReadOnlyList<JsonElement>> RunCallsAsync(string? data = null) => ServerSession.RunAsync(
        data ?? Data,
        [ServerSession.GetDeal("3001"), ServerSession.UpdateDeal("3001", 4242), ServerSession.GetDeal("3001")],
        new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "auditor-test" });

    private async Task TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "audit.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
