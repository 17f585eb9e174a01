using System.ComponentModel;
using System.Text.Json.Nodes;
using GovernedCrm.Crm;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp.Tests;

public sealed class GovernanceWiringTests
{
    [Fact]
    public async Task CallTool_SensitiveParameters_AreRegisteredFromTheMethod_AndNeverReachTheAuditTrail()
    {
        await using var server = await McpTestServer.StartAsync(b => b.WithGovernedTools<SensitiveTools>());

        var result = await server.CallAsync("Vault.Store", new { recordId = "3001", reason = "top-secret-reason-42", secret = "s3cr3t-value-42" });

        result.IsError.Should().NotBe(true, result.Text());
        var catalog = server.Services.GetRequiredService<GovernedToolCatalog>();
        catalog.TryGetGoverned("Vault.Store", out var tool).Should().BeTrue();
        tool.SensitiveArguments.Should().BeEquivalentTo("reason", "secret");
        await server.Audit.DisposeAsync();
        var bytes = await File.ReadAllBytesAsync(server.AuditPaths.DatabasePath);
        var wal = server.AuditPaths.DatabasePath + "-wal";
        var text = System.Text.Encoding.UTF8.GetString(bytes) + (File.Exists(wal) ? System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(wal)) : "");
        text.Should().NotContain("top-secret-reason-42").And.NotContain("s3cr3t-value-42");
        text.Should().Contain("Vault.Store");
    }

    [Fact]
    public async Task StartAsync_ToolWithoutGovernanceMetadata_RefusedWithWhatToAdd()
    {
        var act = async () =>
        {
            await using var server = await McpTestServer.StartAsync(b => b.WithCrmTools().WithTools<UnmarkedTools>());
        };

        (await act.Should().ThrowAsync<GovernanceConfigurationException>())
            .Which.Message.Should().Contain("'Sales.Export'").And.Contain("[GovernedTool(Action = ").And.Contain("[UngovernedTool(");
    }

    [Fact]
    public async Task CallTool_CrmToolsRegisteredWithoutGovernance_FailClosed()
    {
        await using var server = await McpTestServer.StartAsync(b => b.WithTools<CrmTools>(), s => s.AddScoped<GovernedCallAccessor>());

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 5 }, reason = "r" });

        result.IsError.Should().BeTrue();
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Version.Should().Be(1);
    }

    [Fact]
    public async Task CallTool_PolicyDenies_DeniedWithCodeRuleAndNoChange()
    {
        await using var server = await McpTestServer.StartAsync(services: s => s.AddSingleton<IGovernancePolicy>(new DenyWritesPolicy()));

        var write = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 5 }, reason = "r" });
        var read = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" });

        write.ErrorCode().Should().Be("policy.denied.test");
        write.Structured().GetProperty("outcome").GetString().Should().Be("denied");
        write.Structured().GetProperty("error").GetProperty("rule").GetString().Should().Be("no-writes");
        read.IsError.Should().NotBe(true);
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Version.Should().Be(1);
    }

    [Fact]
    public async Task CallTool_GovernedCall_CarriesCallerOriginAndCorrelationId()
    {
        var policy = new CapturingPolicy();
        await using var server = await McpTestServer.StartAsync(services: s => s.AddSingleton<IGovernancePolicy>(policy));

        await server.Client.CallToolAsync(new CallToolRequestParams
        {
            Name = "CRM.GetRecord",
            Arguments = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["objectType"] = System.Text.Json.JsonSerializer.SerializeToElement("deal"),
                ["recordId"] = System.Text.Json.JsonSerializer.SerializeToElement("3001"),
            },
            Meta = new JsonObject { ["correlationId"] = "trace-42" },
        });

        var call = policy.Calls.Should().ContainSingle().Subject;
        call.Tool.ToolName.Should().Be("CRM.GetRecord");
        call.Tool.Action.Should().Be(GovernedAction.Read);
        call.ObjectType.Should().Be("deal");
        call.RecordId.Should().Be("3001");
        call.Origin.ClientName.Should().Be("governedcrm-tests");
        call.Origin.CorrelationId.Should().Be("trace-42");
        call.Caller.Tenant.Should().Be("default");
        call.ReceivedAt.Should().Be(server.Time.GetUtcNow());
        call.ExecutionId.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task CallTool_UngovernedTool_RunsWithoutPipeline()
    {
        var policy = new CapturingPolicy();
        await using var server = await McpTestServer.StartAsync(b => b.WithCrmTools().WithTools<ProbeTools>(), s => s.AddSingleton<IGovernancePolicy>(policy));

        var result = await server.CallAsync("Health.Ping", new { });

        result.Text().Should().Be("pong");
        policy.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("someone-else", false)]
    [InlineData("the-admin", true)]
    public async Task ListTools_AdminTool_ShownOnlyToAdmins(string user, bool listed)
    {
        await using var server = await McpTestServer.StartAsync(
            b => b.WithCrmTools().WithGovernedTools<AdminOnlyTools>(),
            s =>
            {
                s.AddSingleton<IGovernancePolicy>(new AdminToolsPolicy(new AllowAllPolicy(), new HashSet<string> { "the-admin" }));
                s.Configure<Identity.LocalCallerOptions>(o => o.UserId = user);
            });

        var names = (await server.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        var call = await server.CallAsync("Admin.Secret", new { });

        names.Contains("Admin.Secret").Should().Be(listed);
        names.Should().Contain("CRM.GetRecord");
        if (listed)
        {
            call.Text().Should().Be("admin data");
        }
        else
        {
            call.ErrorCode().Should().Be(AdminToolsPolicy.AdminOnlyCode, "a hidden tool called anyway is still denied");
        }
    }

    [McpServerToolType]
    public sealed class AdminOnlyTools
    {
        [McpServerTool(Name = "Admin.Secret", ReadOnly = true), Description("Admins only.")]
        [GovernedTool(Action = GovernedAction.Read, ObjectType = "audit-chain", TargetSystem = AdminToolsPolicy.AdminTargetSystem)]
        public static string Secret() => "admin data";
    }

    [McpServerToolType]
    public sealed class SensitiveTools
    {
        [McpServerTool(Name = "Vault.Store"), Description("Stores a secret on a deal.")]
        [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "recordId")]
        public static string Store(string recordId, [Sensitive] string reason, [Redact] string secret) => $"stored on {recordId}";
    }

    [McpServerToolType]
    public sealed class UnmarkedTools
    {
        [McpServerTool(Name = "Sales.Export"), Description("Exports everything.")]
        public static string Export() => "all the data";
    }

    [McpServerToolType]
    public sealed class ProbeTools
    {
        [McpServerTool(Name = "Health.Ping", ReadOnly = true), Description("Liveness probe.")]
        [UngovernedTool("liveness probe; touches no data")]
        public static string Ping() => "pong";
    }

    private sealed class DenyWritesPolicy : IGovernancePolicy
    {
        public string Version => "test";

        public PolicyDecision Evaluate(GovernedCall call) => call.Tool.IsWrite
            ? new PolicyDecision.Deny("policy.denied.test", "Writes are off in this test.") { PolicyVersion = Version, Rule = "no-writes" }
            : new PolicyDecision.Allow { PolicyVersion = Version, Rule = "reads" };
    }

    private sealed class CapturingPolicy : IGovernancePolicy
    {
        public List<GovernedCall> Calls { get; } = [];

        public string Version => "test";

        public PolicyDecision Evaluate(GovernedCall call)
        {
            lock (Calls)
            {
                Calls.Add(call);
            }

            return new PolicyDecision.Allow { PolicyVersion = Version, Rule = "all" };
        }
    }
}
