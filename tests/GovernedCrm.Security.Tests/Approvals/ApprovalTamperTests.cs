using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Security.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Security.Tests.Approvals;

/// <summary>
/// The insider with write access to the data folder edits the approval queue (governance.db) with sqlite3. The
/// chain is the evidence: an approved call runs only if the chain's APPROVED entry matches exactly what is about
/// to run. Each test asserts the answer, the CRM file and the chain, and that <c>governed-crm verify</c> names
/// the row that disagrees with the chain.
/// </summary>
public sealed class ApprovalTamperTests : IDisposable
{
    private const string Deal = "3002";
    private const string OriginalAmount = "2500";
    private static readonly CallerIdentity Maria = new("maria", "default", ["manager"], "token");
    private readonly TestIssuer _issuer = new();

    [Fact]
    public async Task ArgumentsEditedInTheQueueAfterApproval_DoNotRun_TheRefusalIsInTheChain_AndVerifyNamesTheRow()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        var id = await ProposeBigDealAsync(server, "60000");
        (await Approvals(server).DecideAsync(new ApprovalDecision(id, Maria, true, null, null, null), CancellationToken.None)).Succeeded.Should().BeTrue();

        await EditQueueAsync(server, "UPDATE approvals SET arguments_json = replace(arguments_json, '60000', '990000') WHERE id = $id", id);
        var ran = await server.App.Services.GetRequiredService<ApprovedProposalDispatcher>().ExecuteAsync(id, CancellationToken.None);

        ran!.Status.Should().Be(ApprovalStatus.Failed);
        Code(ran.ResultJson).Should().Be(ApprovalCodes.EvidenceMismatch);
        (await CrmFile.DealAmountAsync(server.Folder, Deal)).Should().Be(OriginalAmount, "neither the edited nor the approved value was written");
        var entries = await EntriesOfAsync(server, id);
        entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Denied)
            .Which.Record.Outcome.Should().Be($"denied:{ApprovalCodes.EvidenceMismatch};approval:{id}");
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Proposed || e.Record.Event == AuditEventType.Executed);
        await VerifyNamesAsync(server, id);
    }

    [Fact]
    public async Task APendingRowSetToApprovedInTheQueue_DoesNotRun_TheRefusalIsInTheChain_AndVerifyNamesTheRow()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        var id = await ProposeBigDealAsync(server, "60000");

        await EditQueueAsync(server, "UPDATE approvals SET status = 'approved', decided_by = 'maria', decided_at = 0 WHERE id = $id", id);
        var ran = await server.App.Services.GetRequiredService<ApprovedProposalDispatcher>().ExecuteAsync(id, CancellationToken.None);

        ran!.Status.Should().Be(ApprovalStatus.Failed);
        Code(ran.ResultJson).Should().Be(ApprovalCodes.EvidenceMismatch);
        ran.ResultJson.Should().Contain("holds no decision");
        (await CrmFile.DealAmountAsync(server.Folder, Deal)).Should().Be(OriginalAmount);
        var entries = await EntriesOfAsync(server, id);
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Approved || e.Record.Event == AuditEventType.Executed);
        entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Denied)
            .Which.Record.Outcome.Should().Be($"denied:{ApprovalCodes.EvidenceMismatch};approval:{id}");
        await VerifyNamesAsync(server, id);
    }

    [Fact]
    public async Task AnExecutedApprovalSetBackToApproved_DoesNotRunTwice()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        var id = await ProposeBigDealAsync(server, "60000");
        (await Approvals(server).DecideAsync(new ApprovalDecision(id, Maria, true, null, null, null), CancellationToken.None)).Succeeded.Should().BeTrue();
        var dispatcher = server.App.Services.GetRequiredService<ApprovedProposalDispatcher>();
        (await dispatcher.ExecuteAsync(id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Executed);
        await EditQueueAsync(server, "UPDATE deals SET amount = 1 WHERE id = " + Deal, id, crm: true);
        await EditQueueAsync(server, "UPDATE approvals SET status = 'approved', result_json = NULL, completed_at = NULL WHERE id = $id", id);

        var replay = await dispatcher.ExecuteAsync(id, CancellationToken.None);

        replay!.Status.Should().Be(ApprovalStatus.Failed);
        Code(replay.ResultJson).Should().Be(ApprovalCodes.EvidenceMismatch);
        replay.ResultJson.Should().Contain("already records a run");
        (await CrmFile.DealAmountAsync(server.Folder, Deal)).Should().Be("1", "the replayed approval did not write again");
        (await EntriesOfAsync(server, id)).Count(e => e.Record.Event == AuditEventType.Executed).Should().Be(1);
    }

    [Fact]
    public async Task AClientForgingTheApprovalTicket_IsRefused_AndNothingRuns()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings());
        var id = await ProposeBigDealAsync(server, "60000");
        await using var ravi = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("ravi"));

        var forged = await ravi.CallToolAsync(new CallToolRequestParams
        {
            Name = "CRM.UpdateRecord",
            Arguments = Arguments(new { objectType = "deal", recordId = Deal, properties = new { amount = 60000 }, reason = "Approved, trust me." }),
            Meta = new System.Text.Json.Nodes.JsonObject { [ApprovedCallTicket.MetaKey] = new System.Text.Json.Nodes.JsonObject { ["id"] = id, ["mac"] = new string('0', 64) } },
        });

        forged.IsError.Should().BeTrue();
        forged.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString().Should().Be(ApprovedCallTicket.ForgedCode);
        (await CrmFile.DealAmountAsync(server.Folder, Deal)).Should().Be(OriginalAmount);
        (await Approvals(server).FindAsync(id, Maria, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        var entries = await server.AuditEntriesAsync();
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Proposed && e.Record.Actor == "ravi" && e.Record.RecordId == Deal);
        entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Denied && e.Record.Outcome == $"denied:{ApprovedCallTicket.ForgedCode}")
            .Which.Record.Actor.Should().Be("ravi", "the forged call is the caller's own, refused and on record");
    }

    public void Dispose() => _issuer.Dispose();

    private async Task<string> ProposeBigDealAsync(HttpTestServer server, string amount)
    {
        await using var ravi = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: _issuer.Token("ravi"));
        var result = await ravi.CallToolAsync("CRM.UpdateRecord", Objects(new { objectType = "deal", recordId = Deal, properties = new { amount = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture) }, reason = "The customer signed the larger package." }));
        result.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("pending_approval");
        return result.StructuredContent!.Value.GetProperty("approvalId").GetString()!;
    }

    private static ApprovalService Approvals(HttpTestServer server) => server.App.Services.GetRequiredService<ApprovalService>();

    private static async Task EditQueueAsync(HttpTestServer server, string sql, string id, bool crm = false)
    {
        var file = Path.Combine(server.Folder, crm ? "crm.db" : "governance.db");
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }

    private static async Task<List<AuditEntry>> EntriesOfAsync(HttpTestServer server, string approvalId)
    {
        var proposal = await Approvals(server).FindAsync(approvalId, Maria, CancellationToken.None);
        return (await server.AuditEntriesAsync()).Where(e => e.Record.ExecutionId == proposal!.ExecutionId).ToList();
    }

    private static async Task VerifyNamesAsync(HttpTestServer server, string approvalId)
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["verify", "--data", server.Folder],
            new Dictionary<string, string?> { ["GOVERNEDCRM_AUDIT_KEY"] = "", ["GOVERNEDCRM_AUDIT_ANCHOR"] = "" });
        code.Should().Be(1, stdout + stderr);
        stdout.Should().StartWith("chain valid:", "the chain itself is intact: the queue was changed");
        stdout.Should().Contain($"tampered approval {approvalId} (tenant default):");
    }

    private static string? Code(string? resultJson) =>
        resultJson is null ? null : JsonDocument.Parse(resultJson).RootElement.GetProperty("code").GetString();

    private static Dictionary<string, object?> Objects(object value) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(value))!;

    private static Dictionary<string, JsonElement> Arguments(object value) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(value))!;
}
