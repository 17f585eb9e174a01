using System.Text.Json;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>
/// The invoker on its own, as the background executor uses it: no MCP session has started, so nothing has built
/// the tools yet; it still finds the tool, binds the approved arguments and runs it as the requester.
/// </summary>
public sealed class GovernedToolInvokerTests
{
    [Fact]
    public async Task InvokeAsync_BeforeAnySession_RunsTheToolWithTheApprovedArguments_AsTheRecordedRequester()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServer().WithGovernedTools<CustomDealTools>();
        await using var provider = services.BuildServiceProvider();
        var invoker = new GovernedToolInvoker(provider, provider.GetRequiredService<GovernedToolMethods>(), provider.GetRequiredService<GovernedToolCatalog>(), TimeProvider.System);

        var run = await invoker.InvokeAsync(Request("Test.IssueDealCode", """{"dealId":"3017","channel":"sms"}"""), CancellationToken.None);

        run.ErrorCode.Should().BeNull();
        var result = JsonSerializer.SerializeToElement(run.Result);
        result.GetProperty("dealId").GetString().Should().Be("3017");
        result.GetProperty("channel").GetString().Should().Be("sms");
        result.GetProperty("issuedTo").GetString().Should().Be("ravi");
        result.GetProperty("issuedToRoles").GetString().Should().Be("rep");
        result.GetProperty("code").GetString().Should().Be(AuditRedaction.Redacted);
    }

    [Fact]
    public async Task InvokeAsync_AnUnknownTool_IsNotExecutable()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServer().WithGovernedTools<CustomDealTools>();
        await using var provider = services.BuildServiceProvider();
        var invoker = new GovernedToolInvoker(provider, provider.GetRequiredService<GovernedToolMethods>(), provider.GetRequiredService<GovernedToolCatalog>(), TimeProvider.System);

        var act = () => invoker.InvokeAsync(Request("Test.NoSuchTool", "{}"), CancellationToken.None);

        (await act.Should().ThrowAsync<GovernedCrm.Crm.CrmException>()).Which.Code.Should().Be(GovernedToolInvoker.NotExecutableCode);
    }

    private static ApprovalRequest Request(string tool, string arguments) => new()
    {
        Id = "apr_000000000000000000000001",
        Tenant = "default",
        Requester = "ravi",
        RequesterRoles = "rep",
        Tool = tool,
        ArgumentsJson = arguments,
        ArgumentsDigest = "digest",
        Rule = "test-tools-need-a-manager",
        Route = ApprovalRoute.Role,
        ApproverRole = "manager",
        ApprovalReason = "test",
        PolicyVersion = "1",
        ExecutionId = "exec-1",
        CreatedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1),
        Status = ApprovalStatus.Executing,
    };
}
