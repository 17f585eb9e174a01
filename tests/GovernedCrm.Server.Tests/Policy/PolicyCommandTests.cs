using System.Text.Json;
using GovernedCrm.Crm.Embedded;

namespace GovernedCrm.Server.Tests.Policy;

/// <summary><c>governed-crm policy check</c> and <c>policy explain</c>, and the refusal to start with an invalid policy, run as a real process.</summary>
public sealed class PolicyCommandTests : IDisposable
{
    private const string RoleTypo = """
        version: 1
        tenants: [default]
        roles: [rep, manager]
        users:
          ravi: { roles: [rep], tenant: default }
        rules:
          - id: big-deals
            effect: require_approval
            tools: [CRM.UpdateRecord]
            approval: { route: role, role: mangaer }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-policy-").FullName;

    [Fact]
    public async Task Check_BuiltInDefault_IsValidAndSummarized()
    {
        var (code, stdout, _) = await ServerProcess.RunAsync(["policy", "check"]);

        code.Should().Be(0);
        stdout.Should().StartWith("policy valid: built-in default policy (version sha256:");
        stdout.Should().Contain("big-deals").And.Contain("write-crm").And.Contain("viewers-no-contact-details");
    }

    [Fact]
    public async Task Check_ShippedSampleFile_IsTheBuiltInDefault()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "TestData", "default.yaml");
        var (code, stdout, _) = await ServerProcess.RunAsync(["policy", "check", sample]);
        var (_, builtIn, _) = await ServerProcess.RunAsync(["policy", "check"]);

        code.Should().Be(0);
        Version(stdout).Should().Be(Version(builtIn), "samples/policies/default.yaml is the built-in default policy");
    }

    [Fact]
    public async Task Check_RoleTypo_Exit1NamingFileLineAndRole()
    {
        var file = await WriteAsync("typo.yaml", RoleTypo);

        var (code, stdout, _) = await ServerProcess.RunAsync(["policy", "check", file]);

        code.Should().Be(1);
        stdout.Should().Contain("policy invalid").And.Contain($"{file}:10:").And.Contain("'mangaer'").And.Contain("declared roles: rep, manager");
    }

    [Fact]
    public async Task Check_MissingFile_Exit2()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["policy", "check", Path.Combine(_folder, "nope.yaml")]);

        code.Should().Be(2);
        stderr.Should().Contain("there is no policy file");
    }

    [Fact]
    public async Task Serve_InvalidPolicy_RefusesToStartWithExit2_BeforeTouchingTheDataFolder()
    {
        var file = await WriteAsync("typo.yaml", RoleTypo);
        var data = Path.Combine(_folder, "data");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["--policy", file, "--data", data]);
        var (envCode, _, envStderr) = await ServerProcess.RunAsync(["--data", data], new Dictionary<string, string?> { ["GOVERNEDCRM_POLICY"] = file });

        code.Should().Be(2);
        envCode.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain($"the policy file {file} is invalid").And.Contain($"{file}:10:").And.Contain("unknown role 'mangaer'");
        stderr.Should().NotContain("   at ", "no stack trace");
        envStderr.Should().Contain("unknown role 'mangaer'");
        Directory.Exists(data).Should().BeFalse();
    }

    [Fact]
    public async Task Explain_DealOver50000_RequiresAManager_ReadingTheRecordFromTheDataFolder()
    {
        await SeedCrmAsync();

        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["policy", "explain", "--data", _folder, "--user", "ravi", "--tool", "CRM.UpdateRecord",
             "--args", """{"objectType":"deal","recordId":"3017","properties":{"dealname":"Bigger"},"reason":"r"}"""]);

        code.Should().Be(0, stderr);
        stdout.Should().Contain("record: deal 3017 in tenant default");
        stdout.Should().Contain("decision: require approval by an approver with role manager (rule big-deals)");
    }

    [Fact]
    public async Task Explain_Json_ViewerReadsContactWithRedactions_UnknownUserDenied()
    {
        await SeedCrmAsync();

        var (code, stdout, _) = await ServerProcess.RunAsync(
            ["policy", "explain", "--json", "--data", _folder, "--user", "vera", "--tool", "CRM.GetRecord", "--args", """{"objectType":"contact","recordId":"1001"}"""]);
        var listedOnly = await WriteAsync("listed-only.yaml", BuiltInWithoutLocalDefault());
        var (_, unknown, _) = await ServerProcess.RunAsync(
            ["policy", "explain", "--json", "--policy", listedOnly, "--data", _folder, "--user", "mallory", "--tool", "CRM.GetRecord", "--args", """{"objectType":"contact","recordId":"1001"}"""]);

        code.Should().Be(0);
        using var allowed = JsonDocument.Parse(stdout);
        allowed.RootElement.GetProperty("decision").GetString().Should().Be("allow");
        allowed.RootElement.GetProperty("rule").GetString().Should().Be("read-crm");
        allowed.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetString()).Should().Contain(l => l!.Contains("redacted from results: email, phone"));
        using var denied = JsonDocument.Parse(unknown);
        denied.RootElement.GetProperty("decision").GetString().Should().Be("deny");
        denied.RootElement.GetProperty("code").GetString().Should().Be("policy.denied.unknown_user");
    }

    [Fact]
    public async Task Explain_UnknownToolOrBadArgs_Exit2()
    {
        var (toolCode, _, toolErr) = await ServerProcess.RunAsync(["policy", "explain", "--user", "ravi", "--tool", "CRM.Nope"]);
        var (argsCode, _, argsErr) = await ServerProcess.RunAsync(["policy", "explain", "--user", "ravi", "--tool", "CRM.GetRecord", "--args", "[1]"]);

        toolCode.Should().Be(2);
        toolErr.Should().Contain("unknown tool 'CRM.Nope'").And.Contain("CRM.UpdateRecord");
        argsCode.Should().Be(2);
        argsErr.Should().Contain("--args must be a JSON object");
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    // The default policy lets any unlisted local user in as a rep; without local_default only listed users get in.
    private static string BuiltInWithoutLocalDefault() =>
        string.Join('\n', File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "default.yaml"))
            .Where(l => !l.StartsWith("local_default:", StringComparison.Ordinal)));

    private static string Version(string checkOutput) => checkOutput.Split('\n')[0].Split("(version ")[1].TrimEnd(')', '\r');

    private async Task<string> WriteAsync(string name, string text)
    {
        var file = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    private async Task SeedCrmAsync()
    {
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(_folder, EmbeddedCrmOptions.FileName) });
        await database.InitializeAsync(TimeProvider.System, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
