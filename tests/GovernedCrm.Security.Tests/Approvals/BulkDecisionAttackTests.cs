using System.Text.Json;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Security.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Security.Tests.Approvals;

/// <summary>
/// A manager slips their own proposal into a bulk decision with someone else's, hoping the other one runs while
/// the refusal of their own hides it. A bulk decision is all or nothing: nothing is decided, nothing runs, and the
/// answer says what happened to every id. The default policy, with maria a rep as well as a manager, so that she
/// can propose changes of her own.
/// </summary>
public sealed class BulkDecisionAttackTests : IDisposable
{
    private readonly TestIssuer _issuer = new();

    [Fact]
    public async Task OwnProposalInABulkDecision_RefusesTheWholeBatch_NothingRuns_AndTheAnswerNamesEveryId()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings(), ManagerWhoAlsoSells());
        var ravis = await ProposeAsync(server, "ravi", "3002", 60000);
        var marias = await ProposeAsync(server, "maria", "3003", 70000);
        await using var maria = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: MariaToken());

        var decide = await maria.CallToolAsync("Approvals.Decide", new Dictionary<string, object?> { ["approvalIds"] = new[] { ravis, marias }, ["decision"] = "approve" });

        decide.IsError.Should().BeTrue();
        var structured = decide.StructuredContent!.Value;
        structured.GetProperty("error").GetProperty("code").GetString().Should().Be(ApprovalCodes.SelfApproval);
        var decisions = structured.GetProperty("decisions").EnumerateArray().ToDictionary(d => d.GetProperty("approvalId").GetString()!, d => d);
        decisions[ravis].GetProperty("decided").GetBoolean().Should().BeFalse();
        decisions[ravis].GetProperty("code").GetString().Should().Be(ApprovalCodes.BatchRefused);
        decisions[marias].GetProperty("code").GetString().Should().Be(ApprovalCodes.SelfApproval);
        (await CrmFile.DealAmountAsync(server.Folder, "3002")).Should().Be("2500", "the other proposal in the batch did not run");
        var viewer = new CallerIdentity("maria", "default", ["manager"], "token");
        var service = server.App.Services.GetRequiredService<ApprovalService>();
        (await service.FindAsync(ravis, viewer, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        (await service.FindAsync(marias, viewer, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        (await server.AuditEntriesAsync()).Should().NotContain(e => e.Record.Event == AuditEventType.Approved || e.Record.Event == AuditEventType.Executed && e.Record.Tool == "CRM.UpdateRecord");
    }

    [Fact]
    public async Task EachMode_DecidesWhatItMay_AndSaysWhatHappenedToEachId()
    {
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings(), ManagerWhoAlsoSells());
        var ravis = await ProposeAsync(server, "ravi", "3002", 60000);
        var marias = await ProposeAsync(server, "maria", "3003", 70000);
        await using var maria = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: MariaToken());

        var decide = await maria.CallToolAsync("Approvals.Decide", new Dictionary<string, object?> { ["approvalIds"] = new[] { ravis, marias }, ["decision"] = "approve", ["mode"] = "each" });

        decide.IsError.Should().BeTrue("one of the ids was refused");
        var decisions = decide.StructuredContent!.Value.GetProperty("decisions").EnumerateArray().ToDictionary(d => d.GetProperty("approvalId").GetString()!, d => d);
        decisions[ravis].GetProperty("status").GetString().Should().Be("executed");
        decisions[marias].GetProperty("code").GetString().Should().Be(ApprovalCodes.SelfApproval);
        (await CrmFile.DealAmountAsync(server.Folder, "3002")).Should().Be("60000");
        (await CrmFile.DealAmountAsync(server.Folder, "3003")).Should().NotBe("70000");
    }

    public void Dispose() => _issuer.Dispose();

    // Maria's token makes her a manager who also sells, so that she has proposals of her own.
    private string MariaToken() => _issuer.Token("maria", new Dictionary<string, object> { ["roles"] = new[] { "manager", "rep" } });

    private static GovernedCrm.Hosting.ServerPolicy ManagerWhoAlsoSells()
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "default.yaml"))
            .Replace("maria: { roles: [manager],", "maria: { roles: [manager, rep],", StringComparison.Ordinal);
        var loaded = GovernedCrm.Governance.Policy.PolicyLoader.Load(yaml, "default.yaml+maria-sells");
        loaded.Policy.Should().NotBeNull(string.Join("; ", loaded.Errors));
        return new GovernedCrm.Hosting.ServerPolicy(loaded.Policy!, null);
    }

    private async Task<string> ProposeAsync(HttpTestServer server, string user, string deal, decimal amount)
    {
        await using var client = await server.ConnectAsync("/mcp", HttpTransportMode.StreamableHttp, bearerToken: user == "maria" ? MariaToken() : _issuer.Token(user));
        var result = await client.CallToolAsync("CRM.UpdateRecord", new Dictionary<string, object?>
        {
            ["objectType"] = "deal",
            ["recordId"] = deal,
            ["properties"] = new Dictionary<string, object?> { ["amount"] = amount },
            ["reason"] = "The customer signed the larger package.",
        });
        result.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("pending_approval", JsonSerializer.Serialize(result.StructuredContent));
        return result.StructuredContent!.Value.GetProperty("approvalId").GetString()!;
    }
}
