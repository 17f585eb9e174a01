using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Mcp.Tests.Telemetry;

/// <summary>
/// The call-tool filter continues the W3C trace context a client sends in the request's <c>_meta</c>
/// (<c>traceparent</c>, <c>tracestate</c>): the call's span is the client span's child, every pipeline step a child of
/// the call's span in the pipeline's order. A malformed value is ignored, never an error.
/// </summary>
public sealed class CallTraceContextTests
{
    private const string TraceState = "congo=t61rcWkgMzE,rojo@vendor=00f067aa0ba902b7";

    [Fact]
    public async Task CallTool_WithTraceparent_CallSpanContinuesTheClientsTraceAndEachStepIsAChildInPipelineOrder()
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();

        var result = await GetDealAsync(server, new JsonObject { ["traceparent"] = $"00-{traceId}-{parentId}-01", ["tracestate"] = TraceState });

        result.IsError.Should().NotBe(true);
        var call = await CallSpanAsync(spans, server);
        call.TraceId.Should().Be(traceId);
        call.ParentSpanId.Should().Be(parentId);
        call.HasRemoteParent.Should().BeTrue();
        call.TraceStateString.Should().Be(TraceState);
        call.Kind.Should().Be(ActivityKind.Server);
        call.DisplayName.Should().Be("tools/call CRM.GetRecord");
        call.GetTagItem(TelemetryTags.Tool).Should().Be("CRM.GetRecord");
        call.GetTagItem(TelemetryTags.Outcome).Should().Be(CallOutcome.Executed);
        var registered = Steps(server);
        registered.Should().Equal(DefaultGovernancePipeline.StepOrder.Where(registered.Contains), "this host's pipeline keeps the default order");
        spans.StepsOf(call).Select(s => s.DisplayName)
            .Should().Equal(registered.Select(name => $"governance.{name}"), "one span per step, in the pipeline's order");
        spans.StepsOf(call).Should().AllSatisfy(s => s.GetTagItem(TelemetryTags.StepResult).Should().Be("passed"));
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")] // no flags
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")] // upper case
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // all-zero trace id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // all-zero parent id
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // the forbidden version
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")] // version 00 has nothing after the flags
    [InlineData("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01")] // not dash-separated
    [InlineData("00-0af7651916cd43dd8448eb211c8031zz-b7ad6b7169203331-01")] // not hex
    [InlineData("")]
    public async Task CallTool_WithMalformedTraceparent_RunsAsARootSpanWithoutError(string traceparent)
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();

        var result = await GetDealAsync(server, new JsonObject { ["traceparent"] = traceparent, ["tracestate"] = TraceState });

        result.IsError.Should().NotBe(true, "a malformed trace context is ignored, never an error");
        var call = await CallSpanAsync(spans, server);
        call.ParentSpanId.Should().Be(default(ActivitySpanId));
        call.HasRemoteParent.Should().BeFalse();
        call.TraceId.ToHexString().Should().NotBe("0af7651916cd43dd8448eb211c80319c");
        call.TraceStateString.Should().BeNull("a tracestate without a valid traceparent has nothing to belong to");
        spans.StepsOf(call).Should().HaveCount(Steps(server).Count);
    }

    [Fact]
    public async Task CallTool_WithTraceparentThatIsNotAString_IsIgnored()
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();

        var result = await GetDealAsync(server, new JsonObject { ["traceparent"] = new JsonObject { ["version"] = "00" } });

        result.IsError.Should().NotBe(true);
        (await CallSpanAsync(spans, server)).HasRemoteParent.Should().BeFalse();
    }

    [Fact]
    public async Task CallTool_WithALaterVersion_ReadsTheVersion00Fields()
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();

        await GetDealAsync(server, new JsonObject { ["traceparent"] = $"cc-{traceId}-{parentId}-01-what-the-future-adds" });

        var call = await CallSpanAsync(spans, server);
        call.TraceId.Should().Be(traceId);
        call.ParentSpanId.Should().Be(parentId);
    }

    [Theory]
    [InlineData("Congo=upper-case-key")]
    [InlineData("congo=value,congo")]
    [InlineData("congo=tab\there")]
    [InlineData("congo=a=b")]
    public async Task CallTool_WithMalformedTracestate_KeepsTheParentAndDropsTheState(string tracestate)
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();

        await GetDealAsync(server, new JsonObject { ["traceparent"] = $"00-{traceId}-{parentId}-01", ["tracestate"] = tracestate });

        var call = await CallSpanAsync(spans, server);
        call.ParentSpanId.Should().Be(parentId);
        call.TraceStateString.Should().BeNull();
    }

    [Fact]
    public async Task CallTool_Denied_CallSpanCarriesTheDenialCodeAndTheRefusingStepIsTheLast()
    {
        using var spans = new SpanRecorder();
        await using var server = await McpTestServer.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();

        var result = await server.Client.CallToolAsync(new CallToolRequestParams
        {
            Name = "CRM.GetRecord",
            Arguments = new Dictionary<string, JsonElement> { ["objectType"] = JsonSerializer.SerializeToElement("deal") }, // recordId missing
            Meta = new JsonObject { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" },
        });

        result.IsError.Should().BeTrue();
        var code = result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString();
        var call = await CallSpanAsync(spans, server);
        call.GetTagItem(TelemetryTags.Outcome).Should().Be(CallOutcome.Denied);
        call.GetTagItem(TelemetryTags.Code).Should().Be(code);
        var steps = spans.StepsOf(call);
        steps.Select(s => s.GetTagItem(TelemetryTags.Step)).Should().Equal(Steps(server).Take(steps.Count));
        steps[^1].GetTagItem(TelemetryTags.StepResult).Should().Be("refused");
        steps[^1].GetTagItem(TelemetryTags.Code).Should().Be(code);
    }

    private static List<string> Steps(McpTestServer server) =>
        [.. server.Services.GetRequiredService<GovernancePipeline>().Steps.Select(s => s.Name)];

    private static Task<CallToolResult> GetDealAsync(McpTestServer server, JsonObject meta) =>
        server.Client.CallToolAsync(new CallToolRequestParams
        {
            Name = "CRM.GetRecord",
            Arguments = new Dictionary<string, JsonElement>
            {
                ["objectType"] = JsonSerializer.SerializeToElement("deal"),
                ["recordId"] = JsonSerializer.SerializeToElement("3001"),
            },
            Meta = meta,
        }).AsTask();

    // The server's one call: its execution id is in its audit entries; its span ends before the answer leaves.
    private static async Task<Activity> CallSpanAsync(SpanRecorder spans, McpTestServer server)
    {
        var executionId = (await server.AuditEntriesAsync()).Select(e => e.Record.ExecutionId).Distinct().Should().ContainSingle().Subject;
        for (var i = 0; i < 100 && spans.CallSpan(executionId) is null; i++)
        {
            await Task.Delay(20);
        }

        return spans.CallSpan(executionId) ?? throw new Xunit.Sdk.XunitException($"no call span for execution {executionId}");
    }
}
