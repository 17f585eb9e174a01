using System.ComponentModel;
using GovernedCrm.Audit.Records;
using GovernedCrm.Crm;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp.Tests;

/// <summary>
/// The transport's part of the durability guarantees, over a trail whose flushes are slow or fail after hand-over:
/// the RECEIVED entry, handed over without waiting, is covered by the pipeline's waits (and by the call-tool
/// filter's own wait for an ungoverned tool), so no answer reaches the client before it is durable.
/// </summary>
public sealed class AuditDurabilityTests
{
    private static readonly TimeSpan SlowFlush = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData("CRM.GetRecord")]
    [InlineData("CRM.UpdateRecord")]
    public async Task GovernedCall_AnswerArrivesOnlyOnceEveryEntryIsDurable(string tool)
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush);
        await using var server = await StartAsync(trail);

        var result = await CallAsync(server, tool);

        result.IsError.Should().NotBe(true, result.Text());
        var execution = trail.Records.Single(r => r.Tool == tool && r.Event == AuditEventType.Received).ExecutionId!;
        trail.DurableEvents(execution).Should().Equal([AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed]);
    }

    [Theory]
    [InlineData("CRM.GetRecord")]
    [InlineData("CRM.UpdateRecord")]
    public async Task ReceivedFailsAtFlush_CallRefused_CrmUnchanged_NoDataLeaves(string tool)
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush) { FailWhen = r => r.Event == AuditEventType.Received };
        await using var server = await StartAsync(trail);

        var result = await CallAsync(server, tool);

        result.ErrorCode().Should().Be("audit.unavailable");
        result.Text().Should().NotContain("Acme", "no record data leaves without the call's entries");
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Version.Should().Be(1, "the write never reached the CRM");
    }

    [Fact]
    public async Task UngovernedTool_RunsOnlyOnceItsReceivedEntryIsDurable()
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush);
        await using var server = await StartAsync(trail);
        ProbeTools.DurableAtRun = null;
        ProbeTools.Trail = trail;

        var result = await server.CallAsync(ProbeTools.Name, new { });

        result.IsError.Should().NotBe(true, result.Text());
        ProbeTools.DurableAtRun.Should().Equal([AuditEventType.Received]);
    }

    [Fact]
    public async Task UngovernedTool_ReceivedFailsAtFlush_ToolNeverRuns()
    {
        var trail = new DelayedFlushAuditTrail(SlowFlush) { FailWhen = r => r.Event == AuditEventType.Received };
        await using var server = await StartAsync(trail);
        ProbeTools.DurableAtRun = null;
        ProbeTools.Trail = trail;

        var result = await server.CallAsync(ProbeTools.Name, new { });

        result.ErrorCode().Should().Be("audit.unavailable");
        ProbeTools.DurableAtRun.Should().BeNull();
    }

    private static Task<McpTestServer> StartAsync(DelayedFlushAuditTrail trail) =>
        McpTestServer.StartAsync(new McpTestServerOptions { AuditTrail = trail, Tools = b => b.WithCrmTools().WithTools<ProbeTools>() });

    private static ValueTask<ModelContextProtocol.Protocol.CallToolResult> CallAsync(McpTestServer server, string tool) => tool == "CRM.UpdateRecord"
        ? server.CallAsync(tool, new { objectType = "deal", recordId = "3001", properties = new { amount = 5 }, reason = "r" })
        : server.CallAsync(tool, new { objectType = "deal", recordId = "3001" });

    [McpServerToolType]
    public sealed class ProbeTools
    {
        public const string Name = "Probe.Durable";

        internal static DelayedFlushAuditTrail? Trail { get; set; }

        internal static IReadOnlyList<AuditEventType>? DurableAtRun { get; set; }

        [McpServerTool(Name = Name, ReadOnly = true), Description("Reports which RECEIVED entries are durable when it runs.")]
        [UngovernedTool("test probe; touches no data")]
        public static string Run()
        {
            DurableAtRun = [.. Trail!.Durable.Where(r => r.Tool == Name).Select(r => r.Event)];
            return "ran";
        }
    }
}
