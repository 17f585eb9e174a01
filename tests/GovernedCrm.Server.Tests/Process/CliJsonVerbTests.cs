using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>
/// Every verb that prints results, under --json, as a real process (docs/commands.md, "For scripts"): a success is JSON
/// with the documented fields, and a refusal or error is one JSON object with code and message on stdout, with the
/// verb's documented exit code. The folder holds two proposals by ravi (and their audit entries, with a signed
/// checkpoint); users come from the built-in default policy (maria manager, ravi rep, vera viewer, adam admin).
/// connect is in Connect/ConnectCommandTests; policy check's and explain's errors in CliJsonTests.
/// </summary>
public sealed class CliJsonVerbTests : IDisposable
{
    private readonly ApprovalsDataFolder _data = new();

    // Read-only verbs on a data folder that does not exist: exit 2, cli.error.
    [Theory]
    [InlineData("verify")]
    [InlineData("audit", "pubkey")]
    [InlineData("audit", "prove", "0")]
    [InlineData("audit", "export")]
    [InlineData("audit", "history", "deal", "3017")]
    [InlineData("audit", "search")]
    [InlineData("approvals", "list")]
    [InlineData("approvals", "show", "apr_x")]
    public async Task ReadOnlyVerb_NoDataFolder_Json_IsACliErrorObject(params string[] verb)
    {
        var missing = Path.Combine(_data.Path, "missing");

        var (code, stdout, stderr) = await ServerProcess.RunAsync([.. verb, "--json", "--data", missing, "--policy", AdminPolicy()]);
        var (textCode, text, _) = await ServerProcess.RunAsync([.. verb, "--data", missing, "--policy", AdminPolicy()]);

        code.Should().Be(2, stderr);
        CliErrorOutput.ShouldBeJsonError(stdout, "cli.error").GetProperty("message").GetString().Should().Contain("there is no data folder");
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "there is no data folder");
        textCode.Should().Be(2);
        text.Should().BeEmpty("without --json stdout stays empty");
    }

    [Fact]
    public async Task Verify_Json_ValidWithTheQueueCrossCheck_AndErrorsKeepValidFalse()
    {
        await _data.ProposeAsync();

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["verify", "--json", "--data", _data.Path]);
        var (errorCode, error, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", Path.Combine(_data.Path, "missing")]);

        code.Should().Be(0, stderr);
        using var report = JsonDocument.Parse(stdout);
        report.RootElement.GetProperty("valid").GetBoolean().Should().BeTrue();
        report.RootElement.GetProperty("approvals").GetProperty("checked").GetInt32().Should().Be(0, "nothing is decided yet");
        errorCode.Should().Be(2);
        var failure = CliErrorOutput.ShouldBeJsonError(error, "cli.error");
        failure.GetProperty("valid").GetBoolean().Should().BeFalse();
        failure.GetProperty("error").GetString().Should().Be(failure.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Verify_Json_ATamperedQueueRow_IsARefusalWithCodeAndMessage()
    {
        var proposal = (await _data.ProposeAsync()).Single();
        (await _data.RunAsync("maria", "approve", proposal.Id)).ExitCode.Should().Be(0);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data.Path, "governance.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE approvals SET decided_by = 'vera' WHERE id = $id";
            update.Parameters.AddWithValue("$id", proposal.Id);
            (await update.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var (code, stdout, _) = await ServerProcess.RunAsync(["verify", "--json", "--data", _data.Path]);

        code.Should().Be(1);
        var refusal = CliErrorOutput.ShouldBeJsonError(stdout, "approval.evidence_mismatch");
        refusal.GetProperty("message").GetString().Should().Contain(proposal.Id);
        refusal.GetProperty("approvals").GetProperty("disagreeing")[0].GetProperty("id").GetString().Should().Be(proposal.Id);
    }

    [Fact]
    public async Task AuditPubkey_Json_ThePublicKey()
    {
        await _data.ProposeAsync();

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["audit", "pubkey", "--json", "--data", _data.Path]);
        var (_, text, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", _data.Path]);

        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("publicKey").GetString().Should().Be(text.Trim()).And.StartWith("governed-crm-audit+");
    }

    [Fact]
    public async Task AuditProveAndCheckProof_Json_TheProofAndItsCheck_InvalidAndUnavailableAsObjects()
    {
        await _data.ProposeAsync(2);
        var (_, key, _) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", _data.Path]);

        var (proveCode, proof, proveErr) = await ServerProcess.RunAsync(["audit", "prove", "1", "--json", "--data", _data.Path]);
        var (missingCode, missing, missingErr) = await ServerProcess.RunAsync(["audit", "prove", "999", "--json", "--data", _data.Path]);

        proveCode.Should().Be(0, proveErr);
        JsonDocument.Parse(proof).RootElement.GetProperty("sequence").GetInt64().Should().Be(1);
        missingCode.Should().Be(1, "not provable (yet) is exit 1");
        CliErrorOutput.ShouldBeJsonError(missing, "audit.proof_unavailable");
        CliErrorOutput.ShouldBeOneErrorLine(missingErr, "covers entry 999");

        var proofFile = Path.Combine(_data.Path, "proof.json");
        await File.WriteAllTextAsync(proofFile, proof);
        var (checkCode, check, checkErr) = await ServerProcess.RunAsync(["audit", "check-proof", proofFile, "--pubkey", key.Trim(), "--json"]);
        var altered = Path.Combine(_data.Path, "altered.json");
        var bundle = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(proof)!;
        var body = Convert.FromBase64String(bundle["body"].GetString()!);
        body[^2] ^= 1;
        bundle["body"] = JsonSerializer.SerializeToElement(Convert.ToBase64String(body));
        await File.WriteAllTextAsync(altered, JsonSerializer.Serialize(bundle));
        var (invalidCode, invalid, _) = await ServerProcess.RunAsync(["audit", "check-proof", altered, "--pubkey", key.Trim(), "--json"]);

        checkCode.Should().Be(0, checkErr);
        using var valid = JsonDocument.Parse(check);
        valid.RootElement.GetProperty("valid").GetBoolean().Should().BeTrue();
        valid.RootElement.GetProperty("chain").GetString().Should().Be("default");
        valid.RootElement.GetProperty("treeSize").GetInt64().Should().BeGreaterThan(1);
        valid.RootElement.GetProperty("entry").GetProperty("seq").GetInt64().Should().Be(1);
        valid.RootElement.GetProperty("entry").GetProperty("event").GetString().Should().Be("approvalrequested", "the export format's event name");
        invalidCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(invalid, "audit.proof_invalid").GetProperty("valid").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task AuditExport_Json_JsonLines()
    {
        await _data.ProposeAsync(2);

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["audit", "export", "--json", "--data", _data.Path]);

        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()).Should().Equal(0, 1);
    }

    [Fact]
    public async Task AuditHistoryAndSearch_Json_TheAnswer_RefusalAndInvalidQueryAsObjects()
    {
        await _data.ProposeAsync();
        string[] asAdmin = ["--data", _data.Path, "--policy", AdminPolicy()];

        var (historyCode, history, historyErr) = await ServerProcess.RunAsync(["audit", "history", "deal", "3017", "--json", .. asAdmin]);
        var (searchCode, search, searchErr) = await ServerProcess.RunAsync(["audit", "search", "--json", .. asAdmin]);
        var (viewerCode, viewer, viewerErr) = await ServerProcess.RunAsync(["audit", "search", "--json", "--as", "vera", .. asAdmin]);
        var (limitCode, limit, _) = await ServerProcess.RunAsync(["audit", "search", "--json", "--limit", "0", .. asAdmin]);
        var (sinceCode, since, sinceErr) = await ServerProcess.RunAsync(["audit", "search", "--json", "--since", "yesterday", .. asAdmin]);

        historyCode.Should().Be(0, historyErr);
        using (var answer = JsonDocument.Parse(history))
        {
            answer.RootElement.GetProperty("objectType").GetString().Should().Be("deal");
            answer.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString()).Should().Equal("approval_requested");
        }

        searchCode.Should().Be(0, searchErr);
        JsonDocument.Parse(search).RootElement.GetProperty("entries").GetArrayLength().Should().Be(1);
        viewerCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(viewer, "policy.denied.admin_only");
        viewerErr.Should().StartWith("governed-crm: refused: policy.denied.admin_only: ");
        limitCode.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(limit, "audit.invalid_query");
        sinceCode.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(since, "audit.invalid_query");
        sinceErr.Should().Contain("--since 'yesterday' is not an ISO 8601 time");
    }

    [Fact]
    public async Task PolicyExplain_Json_TheDecision()
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["policy", "explain", "--user", "vera", "--tool", "CRM.SearchRecords", "--args", """{"objectType":"deal"}""", "--json"]);

        code.Should().Be(0, stderr);
        using var explanation = JsonDocument.Parse(stdout);
        explanation.RootElement.GetProperty("decision").GetString().Should().Be("allow");
        explanation.RootElement.GetProperty("policyVersion").GetString().Should().NotBeNullOrEmpty();
        explanation.RootElement.GetProperty("lines").GetArrayLength().Should().BePositive();
    }

    [Fact]
    public async Task ApprovalsListAndShow_Json_RefusalsAsObjects()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (listCode, list, listErr) = await _data.RunAsync("maria", "list", "--json");
        var (showCode, show, showErr) = await _data.RunAsync("maria", "show", proposal.Id, "--json");
        var (notFoundCode, notFound, notFoundErr) = await _data.RunAsync("maria", "show", "apr_nosuch", "--json");
        var (deniedCode, denied, _) = await _data.RunAsOsUserAsync(["list", "--json", "--as", "maria"]);

        listCode.Should().Be(0, listErr);
        JsonDocument.Parse(list).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).Should().Equal(proposal.Id);
        showCode.Should().Be(0, showErr);
        JsonDocument.Parse(show).RootElement.GetProperty("status").GetString().Should().Be("pending");
        notFoundCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(notFound, "approval.not_found");
        notFoundErr.Should().StartWith("governed-crm: refused: approval.not_found: ");
        deniedCode.Should().Be(1, "the built-in policy lets no OS user act as another");
        CliErrorOutput.ShouldBeJsonError(denied, "cli.act_as_denied");
    }

    [Fact]
    public async Task ApprovalsApprove_Json_TheDecisions_AndASelfApprovalAsTheTopLevelRefusal()
    {
        var proposals = await _data.ProposeAsync(3);

        var (selfCode, self, selfErr) = await _data.RunAsync("ravi", "approve", proposals[0].Id, "--json");
        var (code, stdout, stderr) = await _data.RunAsync("maria", "approve", proposals[0].Id, "--json");
        var (bulkCode, bulk, bulkErr) = await _data.RunAsync("maria", "approve", proposals[1].Id, proposals[2].Id, "--json");

        selfCode.Should().Be(1);
        var refusal = CliErrorOutput.ShouldBeJsonError(self, "approval.self_approval");
        var refused = refusal.GetProperty("results").EnumerateArray().Should().ContainSingle().Subject;
        refused.GetProperty("id").GetString().Should().Be(proposals[0].Id);
        refused.GetProperty("succeeded").GetBoolean().Should().BeFalse();
        refused.GetProperty("code").GetString().Should().Be("approval.self_approval");
        selfErr.Should().StartWith("governed-crm: refused: approval.self_approval: ");

        code.Should().Be(0, stderr);
        using (var decided = JsonDocument.Parse(stdout))
        {
            decided.RootElement.TryGetProperty("code", out _).Should().BeFalse("nothing was refused");
            decided.RootElement.GetProperty("bulkId").ValueKind.Should().Be(JsonValueKind.Null);
            var result = decided.RootElement.GetProperty("results").EnumerateArray().Should().ContainSingle().Subject;
            result.GetProperty("id").GetString().Should().Be(proposals[0].Id);
            result.GetProperty("succeeded").GetBoolean().Should().BeTrue();
            result.GetProperty("status").GetString().Should().Be("approved");
            result.GetProperty("edited").GetBoolean().Should().BeFalse();
            result.GetProperty("requester").GetString().Should().Be("ravi");
        }

        bulkCode.Should().Be(0, bulkErr);
        using var both = JsonDocument.Parse(bulk);
        both.RootElement.GetProperty("bulkId").GetString().Should().NotBeNullOrEmpty();
        both.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()).Should().Equal("approved", "approved");
    }

    [Fact]
    public async Task ApprovalsReject_Json_TheRejection_AndAMissingReasonAsARefusal()
    {
        var proposal = (await _data.ProposeAsync()).Single();

        var (noReasonCode, noReason, _) = await _data.RunAsync("maria", "reject", proposal.Id, "--json");
        var (code, stdout, stderr) = await _data.RunAsync("maria", "reject", proposal.Id, "--reason", "Not this quarter", "--json");

        noReasonCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(noReason, "approval.reason_required");
        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0].GetProperty("status").GetString().Should().Be("rejected");
    }

    [Fact]
    public async Task KeysRotate_Json_TheRotation_AndEnvironmentKeysAsErrors()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "rotate", "--json", "--data", _data.Path]);
        var (usageCode, usage, usageErr) = await ServerProcess.RunAsync(
            ["keys", "rotate", "--json", "--data", _data.Path], new Dictionary<string, string?> { ["GOVERNEDCRM_VAULT_KEY"] = $"k1:{key}" });
        var (malformedCode, malformed, _) = await ServerProcess.RunAsync(
            ["keys", "rotate", "--reencrypt-only", "--json", "--data", _data.Path], new Dictionary<string, string?> { ["GOVERNEDCRM_VAULT_KEY"] = "k1:short" });

        code.Should().Be(0, stderr);
        using (var rotation = JsonDocument.Parse(stdout))
        {
            rotation.RootElement.GetProperty("rotated").GetInt32().Should().Be(0);
            rotation.RootElement.GetProperty("keyId").GetString().Should().MatchRegex("^k[0-9a-f]+$");
            rotation.RootElement.GetProperty("unreadable").GetInt32().Should().Be(0);
        }

        usageCode.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(usage, "cli.usage").GetProperty("message").GetString().Should().Contain("--reencrypt-only").And.NotContain(key);
        CliErrorOutput.ShouldBeOneErrorLine(usageErr, "--reencrypt-only");
        malformedCode.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(malformed, "vault.key_unusable");
    }

    [Fact]
    public async Task ConsoleLink_Json_TheLink_AndAnotherUserWithoutActAsAsARefusal()
    {
        var admin = AdminPolicy();
        var rep = _data.WritePolicy("rep.yaml", ApprovalsDataFolder.CliUsers("ravi"));

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["console-link", "--user", "maria", "--json", "--data", _data.Path, "--policy", admin]);
        var (deniedCode, denied, deniedErr) = await ServerProcess.RunAsync(["console-link", "--user", "maria", "--json", "--data", _data.Path, "--policy", rep]);

        code.Should().Be(0, stderr);
        using (var link = JsonDocument.Parse(stdout))
        {
            link.RootElement.GetProperty("url").GetString().Should().StartWith("http://127.0.0.1:5180/console/");
            link.RootElement.GetProperty("user").GetString().Should().Be("maria");
            link.RootElement.GetProperty("tenant").GetString().Should().Be("default");
            DateTimeOffset.Parse(link.RootElement.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                .Should().BeAfter(DateTimeOffset.UtcNow);
        }

        deniedCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(denied, "cli.act_as_denied");
        deniedErr.Should().StartWith("governed-crm: refused: cli.act_as_denied: ");
    }

    [Fact]
    public async Task UsageError_Json_IsACliUsageObject_AndWithoutJsonStdoutStaysEmpty()
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync(["approvals", "approve", "apr_a", "apr_b", "--edit", "{}", "--json", "--data", _data.Path]);
        var (textCode, text, _) = await ServerProcess.RunAsync(["approvals", "approve", "apr_a", "apr_b", "--edit", "{}", "--data", _data.Path]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(stdout, "cli.usage").GetProperty("message").GetString().Should().Be("--edit applies to one approval at a time.");
        stderr.Should().StartWith("governed-crm: error: --edit applies to one approval at a time.");
        textCode.Should().Be(2);
        text.Should().BeEmpty();
    }

    public void Dispose() => _data.Dispose();

    // The default policy with the OS user running the tests mapped to adam (admin), who may act as anyone.
    private string AdminPolicy() => _data.WritePolicy("admin.yaml", ApprovalsDataFolder.CliUsers("adam", "*"));
}
