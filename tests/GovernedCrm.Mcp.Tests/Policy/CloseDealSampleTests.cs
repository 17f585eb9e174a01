using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Samples.CloseDeal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using GovernedCrm.Governance.Steps.Policy;

namespace GovernedCrm.Mcp.Tests.Policy;

/// <summary>
/// The "Add a governed tool" sample: CRM.CloseDeal, written with attributes only, is validated, decided by its
/// policy rules and audited like the built-in tools, with no governance code of its own.
/// </summary>
public sealed class CloseDealSampleTests
{
    [Fact]
    public async Task Rep_ClosesASmallDealAsLost_ExecutedAndAudited()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.CloseDeal", new { dealId = "3001", won = false, reason = "Customer chose a competitor." });

        result.IsError.Should().NotBe(true, result.Text());
        result.Text().Should().Contain("closedlost");
        (await server.CrmScalarAsync("SELECT dealstage || '/' || version FROM deals WHERE id = 3001")).Should().Be("closedlost/2");
        var entries = await server.AuditEntriesAsync();
        entries.Select(e => e.Record.Event).Should().ContainInOrder(AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed);
        entries.Should().Contain(e => e.Record.Event == AuditEventType.Proposed && e.Record.Tool == "CRM.CloseDeal"
            && e.Record.RecordId == "3001" && e.Record.ObjectType == "deal" && e.Record.Rule == "close-deals" && e.Record.Reasoning == "Customer chose a competitor.");
    }

    [Fact]
    public async Task Rep_WinsADealOver50000_NeedsAManager_DealUnchanged()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.CloseDeal", new { dealId = "3017", won = true, reason = "Signed." });

        result.ErrorCode().Should().Be(PolicyStep.ApprovalRequiredCode);
        result.Structured().GetProperty("error").GetProperty("rule").GetString().Should().Be("big-wins-need-a-manager");
        (await server.CrmScalarAsync("SELECT dealstage FROM deals WHERE id = 3017")).Should().NotBe("closedwon");
    }

    [Fact]
    public async Task Viewer_MayNotCloseDeals_AndDoesNotSeeTheTool()
    {
        await using var server = await StartAsync("vera");

        var result = await server.CallAsync("CRM.CloseDeal", new { dealId = "3001", won = true, reason = "r" });
        var tools = await server.Client.ListToolsAsync();

        result.ErrorCode().Should().Be(PolicyDenialCodes.Role);
        tools.Select(t => t.Name).Should().Contain("CRM.GetRecord").And.NotContain("CRM.CloseDeal");
        (await server.CrmScalarAsync("SELECT version FROM deals WHERE id = 3001")).Should().Be("1");
    }

    [Fact]
    public async Task MissingArgument_IsRefusedByValidation_BeforeTheToolRuns()
    {
        await using var server = await StartAsync("ravi");

        var result = await server.CallAsync("CRM.CloseDeal", new { dealId = "3001", reason = "r" });

        result.ErrorCode().Should().Be("validation.invalid_argument");
        result.Text().Should().Contain("won");
    }

    [Fact]
    public void ToolFile_IsAtMost15LinesOfCode()
    {
        // The whole tool, as a developer writes it: every line but blank lines and doc comments (the usings are in the csproj).
        var file = Path.Combine(RepositoryRoot(), "samples", "CloseDeal", "DealTools.cs");

        var code = File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("///", StringComparison.Ordinal))
            .ToList();

        code.Should().HaveCountLessThanOrEqualTo(15, string.Join(Environment.NewLine, code));
        code.Should().Contain(l => l.Contains("Name = \"CRM.CloseDeal\"", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GovernedCrm.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No GovernedCrm.sln above {AppContext.BaseDirectory}.");
    }

    private static Task<McpTestServer> StartAsync(string user) =>
        McpTestServer.StartAsync(
            b => b.WithCrmTools().WithGovernedTools<DealTools>(),
            s =>
            {
                s.Configure<LocalCallerOptions>(o => o.UserId = user);
                var policy = PolicyLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "close-deal-policy.yaml")).Policy
                    ?? throw new InvalidOperationException("the sample policy does not load");
                s.AddGovernancePolicy(sp => new ActivePolicy(policy, sp.GetRequiredService<TimeProvider>()));
            });
}
