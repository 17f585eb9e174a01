
namespace GovernedCrm.Security.Tests.Cli;

/// <summary>
/// Issue 14 item 5: the read-only verbs (verify, audit export|prove|check-proof|pubkey|search|history, approvals list|show, policy
/// check|explain) were pointed at folders they had no business changing: <c>verify --data DIR</c> set DIR to 0700 (tried
/// on a system folder) and <c>audit export --data /a/missing/path</c> created the folders. The attacker is anyone who can
/// get an operator (or a script) to run a read-only verb with a chosen --data. Now a missing folder is an error (exit 2,
/// one line) and an existing folder is left exactly as it was: no folder, file, mode, schema or key changes.
/// </summary>
public sealed class ReadOnlyVerbAttackTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("governedcrm-readonly-").FullName;
    private readonly ApprovalsDataFolder _data = new();

    public static TheoryData<string[]> VerbsThatReadTheFolder => new()
    {
        { ["verify"] },
        { ["verify", "--json"] },
        { ["audit", "export"] },
        { ["audit", "prove", "0"] },
        { ["audit", "pubkey"] },
        { ["audit", "search"] },
        { ["audit", "history", "deal", "3017"] },
        { ["approvals", "list"] },
        { ["approvals", "show", "apr_missing"] },
        { ["policy", "explain", "--user", "maria", "--tool", "CRM.GetRecord", "--args", """{"objectType":"deal","recordId":"3017"}"""] },
    };

    [Theory]
    [MemberData(nameof(VerbsThatReadTheFolder))]
    public async Task ReadOnlyVerb_OnAMissingFolder_Exit2OneLineAndCreatesNothing(string[] verb)
    {
        var missing = Path.Combine(_root, "a", "missing", "path");
        var before = FolderSnapshot.Of(_root);

        var (code, _, stderr) = await ServerProcess.RunAsync([.. verb, "--data", missing]);

        code.Should().Be(2, stderr);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("governed-crm: error: there is no data folder at " + missing);
        FolderSnapshot.Of(_root).Should().Equal(before, "a read-only verb must not create the folder or its parents");
        Directory.Exists(Path.Combine(_root, "a")).Should().BeFalse();
    }

    [Theory]
    [InlineData("policy", "check")]
    [InlineData("policy", "explain", "--user", "maria", "--tool", "CRM.SearchRecords", "--args", """{"objectType":"deal"}""")]
    public async Task VerbThatDoesNotNeedTheFolder_WithAMissingFolder_CreatesNothing(params string[] verb)
    {
        var missing = Path.Combine(_root, "a", "missing", "path");

        var (code, _, stderr) = await ServerProcess.RunAsync([.. verb, "--data", missing]);

        code.Should().Be(0, stderr);
        Directory.Exists(Path.Combine(_root, "a")).Should().BeFalse();
    }

    [Fact]
    public async Task CheckProof_WithAMissingFolder_CreatesNothing()
    {
        var missing = Path.Combine(_root, "a", "missing", "path");
        var proof = Path.Combine(_root, "proof.json");
        await File.WriteAllTextAsync(proof, "{}");

        var (code, _, _) = await ServerProcess.RunAsync(["audit", "check-proof", proof, "--pubkey", "k+00000000+AQ==", "--data", missing]);

        code.Should().BeOneOf(1, 2);
        Directory.Exists(Path.Combine(_root, "a")).Should().BeFalse();
    }

    [Fact]
    public async Task EveryReadOnlyVerb_OnAnExistingDataFolder_ChangesNoModeAndAddsOrChangesNoFile()
    {
        await _data.SeedCrmAsync();
        var proposal = (await _data.ProposeAsync()).Single();
        var policy = _data.WritePolicy("acting-admin.yaml", ApprovalsDataFolder.CliUsers("adam", "*"));

        // An operator's folder readable by others: the old verify made it 0700.
        if (!OperatingSystem.IsWindows())
        {
                File.SetUnixFileMode(_data.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var before = FolderSnapshot.Of(_data.Path);

        string[][] verbs =
        [
            ["verify"],
            ["audit", "export"],
            ["audit", "prove", "0"],
            ["audit", "pubkey"],
            ["audit", "search", "--policy", policy],
            ["audit", "history", "deal", "3017", "--json", "--policy", policy],
            ["approvals", "list", "--all", "--as", "maria", "--policy", policy],
            ["approvals", "show", proposal.Id, "--as", "maria", "--policy", policy],
            ["policy", "explain", "--user", "maria", "--tool", "CRM.GetRecord", "--args", """{"objectType":"deal","recordId":"3017"}"""],
            ["policy", "check", policy],
        ];
        foreach (var verb in verbs)
        {
            var (code, stdout, stderr) = await ServerProcess.RunAsync([.. verb, "--data", _data.Path]);
            code.Should().BeOneOf([0, 1], $"{string.Join(' ', verb)}: {stdout}{stderr}");
            FolderSnapshot.Of(_data.Path).Should().Equal(before, $"'{string.Join(' ', verb)}' only reads");
        }

        (await ServerProcess.RunAsync(["verify", "--data", _data.Path])).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task AuditPubkey_WithNoKeyYet_Exit2AndCreatesNoKey()
    {
        var before = FolderSnapshot.Of(_data.Path);

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["audit", "pubkey", "--data", _data.Path]);

        code.Should().Be(2, stdout);
        stderr.Should().Contain("there is no audit signing key");
        FolderSnapshot.Of(_data.Path).Should().Equal(before);
    }

    [Fact]
    public async Task ApprovalsList_OnAnOlderGovernanceDatabase_Exit2AndDoesNotMigrateIt()
    {
        await _data.ProposeAsync();
        var database = Path.Combine(_data.Path, "governance.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        var before = FolderSnapshot.Of(_data.Path);

        var (code, _, stderr) = await ServerProcess.RunAsync(["approvals", "list", "--data", _data.Path]);

        code.Should().Be(2, stderr);
        stderr.Should().Contain("schema version 1");
        FolderSnapshot.Of(_data.Path).Should().Equal(before);
    }

    public void Dispose()
    {
        _data.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }
}
