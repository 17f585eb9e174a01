using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Telemetry;
using GovernedCrm.Server.Tests.AuditProcess;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>
/// The built server as a child process, configured only by the standard OTEL_* variables, exporting over OTLP/HTTP to
/// a receiver in the test: a governed call with a client traceparent in its <c>_meta</c> is one trace under the
/// client's span with a span per pipeline step in order; a denied call carries its code; the calls, denials, pending
/// approvals, append latency and verify duration arrive as metrics; every audit entry arrives as a log record with
/// none of its values.
/// </summary>
public sealed class OpenTelemetryExportProcessTests
{
    private const string User = "ravi"; // A rep in the built-in policy: reads and writes; owner changes denied; big deals need a manager.
    private const string ServiceName = "governed-crm-otel-test";
    private const string TraceState = "congo=t61rcWkgMzE";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_WithOtlpEndpoint_ExportsTheCallsTracesMetricsAndAuditLogRecords()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var folder = new TempFolder("governedcrm-otel-");
        var stderr = new StderrTail("otel");
        var secret = $"reason-{Guid.NewGuid():N}"; // Stored in the chain as the agent's reasoning: a value that must not leave.
        var read = TraceParent();
        var denied = TraceParent();
        var queued = TraceParent();
        CallToolResult readResult, deniedResult, queuedResult, malformedResult, verifyResult;

        await using (var client = await McpClient.CreateAsync(Transport(folder.Path, receiver.Endpoint, stderr)))
        {
            readResult = await CallAsync(client, "CRM.GetRecord", new { objectType = "deal", recordId = "3001" }, Meta(read));
            deniedResult = await CallAsync(client, "CRM.UpdateRecord",
                new { objectType = "deal", recordId = "3002", properties = new { owner = "someone-else" }, reason = secret }, Meta(denied));
            queuedResult = await CallAsync(client, "CRM.UpdateRecord",
                new { objectType = "deal", recordId = "3003", properties = new { amount = 75000 }, reason = secret }, Meta(queued, TraceState));
            malformedResult = await CallAsync(client, "CRM.GetRecord", new { objectType = "deal", recordId = "3004" },
                new JsonObject { ["traceparent"] = "00-not-a-trace-01" });
            verifyResult = await CallAsync(client, "Audit.VerifyChain", new { }, null);

            var entries = await AuditEntriesAsync(folder.Path);
            await OtlpReceiver.WaitForAsync(
                () => receiver.Spans.Count(s => s.Kind == 2) >= 5
                    && Metrics.All(m => receiver.Points.Any(p => p.Metric == m))
                    && entries.All(e => AuditLogs(receiver).Any(l => Is(l, e))),
                Timeout, () => $"spans [{string.Join(", ", receiver.Spans.Select(s => $"{s.Name} ({s.Kind})"))}], metrics [{string.Join(", ", receiver.Points.Select(p => p.Metric).Distinct())}], " +
                    $"audit log records {AuditLogs(receiver).Count} for {entries.Count} entries (first: {string.Join(", ", AuditLogs(receiver).FirstOrDefault()?.Attributes.Select(a => $"{a.Key}={a.Value} ({a.Value?.GetType().Name})") ?? [])}; entries {string.Join(", ", entries.Select(e => $"{e.Record.Tenant}#{e.Sequence}"))}); rejected [{string.Join(", ", receiver.Rejected)}]\n{stderr}");
        }

        readResult.IsError.Should().NotBe(true, Text(readResult));
        deniedResult.IsError.Should().BeTrue(Text(deniedResult));
        var deniedCode = deniedResult.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString();
        queuedResult.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("pending_approval", Text(queuedResult));
        malformedResult.IsError.Should().NotBe(true, "a malformed traceparent is ignored: {0}", Text(malformedResult));
        verifyResult.IsError.Should().NotBe(true, Text(verifyResult));
        receiver.Rejected.Should().BeEmpty("the SDK posts protobuf to /v1/traces, /v1/metrics and /v1/logs under the configured endpoint");

        // The read: one trace under the client's span, a child span per pipeline step in the registered order.
        var readCall = CallSpan(receiver, read.TraceId);
        readCall.Name.Should().Be("tools/call CRM.GetRecord");
        readCall.ParentSpanId.Should().Be(read.SpanId);
        readCall.Kind.Should().Be(2, "SPAN_KIND_SERVER");
        readCall.Attributes[TelemetryTags.Tool].Should().Be("CRM.GetRecord");
        readCall.Attributes[TelemetryTags.Outcome].Should().Be(CallOutcome.Executed);
        readCall.Attributes[TelemetryTags.Actor].Should().Be(User);
        readCall.Resource["service.name"].Should().Be(ServiceName);
        readCall.Resource["deployment.environment"].Should().Be("test");
        Steps(receiver, readCall).Select(s => s.Name)
            .Should().Equal(DefaultGovernancePipeline.StepOrder.Select(step => $"governance.{step}"));
        Steps(receiver, readCall).Should().AllSatisfy(s => s.Attributes[TelemetryTags.StepResult].Should().Be("passed"));

        // The denial: the code on the call span and on the refusing step, the last one that ran.
        var deniedCall = CallSpan(receiver, denied.TraceId);
        deniedCall.ParentSpanId.Should().Be(denied.SpanId);
        deniedCall.Attributes[TelemetryTags.Outcome].Should().Be(CallOutcome.Denied);
        deniedCall.Attributes[TelemetryTags.Code].Should().Be(deniedCode);
        var deniedSteps = Steps(receiver, deniedCall);
        deniedSteps.Select(s => s.Attributes[TelemetryTags.Step]).Should().Equal(DefaultGovernancePipeline.StepOrder.Take(deniedSteps.Count));
        deniedSteps[^1].Attributes[TelemetryTags.StepResult].Should().Be("refused");
        deniedSteps[^1].Attributes[TelemetryTags.Code].Should().Be(deniedCode);

        // The queued write: pending approval, the client's tracestate carried on.
        var queuedCall = CallSpan(receiver, queued.TraceId);
        queuedCall.Attributes[TelemetryTags.Outcome].Should().Be(CallOutcome.PendingApproval);
        queuedCall.TraceState.Should().Be(TraceState);

        // The malformed traceparent: the call is a root span of a trace of its own.
        var clientTraces = new[] { read.TraceId, denied.TraceId, queued.TraceId };
        var rootRead = receiver.Spans.Should().ContainSingle(s => s.Kind == 2 && s.Name == "tools/call CRM.GetRecord" && !clientTraces.Contains(s.TraceId)).Subject;
        rootRead.ParentSpanId.Should().BeNull();

        // Metrics (cumulative: the newest point of each series is the total).
        Latest(receiver, "governedcrm.calls", (TelemetryTags.Tool, "CRM.GetRecord"), (TelemetryTags.Outcome, CallOutcome.Executed)).Value.Should().Be(2);
        Latest(receiver, "governedcrm.calls", (TelemetryTags.Tool, "CRM.UpdateRecord"), (TelemetryTags.Outcome, CallOutcome.Denied)).Value.Should().Be(1);
        Latest(receiver, "governedcrm.denials", (TelemetryTags.Code, deniedCode!), (TelemetryTags.Tool, "CRM.UpdateRecord")).Value.Should().Be(1);
        Latest(receiver, "governedcrm.approvals.pending", (TelemetryTags.Tenant, "default")).Value.Should().Be(1);
        var appends = Latest(receiver, "governedcrm.audit.append.duration", (TelemetryTags.AuditResult, "ok"));
        appends.Count.Should().BeGreaterThanOrEqualTo(10, "every call appended at least its RECEIVED and final entries");
        appends.Value.Should().BeGreaterThan(0);
        Latest(receiver, "governedcrm.audit.verify.duration", (TelemetryTags.VerifyValid, true)).Count.Should().Be(1);

        // Log records: one per audit entry, in the entries' own category, with their place in the chain and none of their values.
        var audit = await AuditEntriesAsync(folder.Path);
        var records = AuditLogs(receiver);
        audit.Should().AllSatisfy(e => records.Should().ContainSingle(l => Is(l, e), "entry {0} of {1}", e.Sequence, e.Record.Tenant));
        records.Should().Contain(l => Equals(l.Attributes["governedcrm.audit.event"], "denied") && Equals(l.Attributes[TelemetryTags.ExecutionId], deniedCall.Attributes[TelemetryTags.ExecutionId]));
        records.Should().Contain(l => l.TraceId == read.TraceId, "entries appended during a call carry its trace");
        records.SelectMany(l => l.Attributes.Keys).Distinct()
            .Should().NotContain(key => key.Contains("previous", StringComparison.Ordinal) || key.Contains("proposed", StringComparison.Ordinal)
                || key.Contains("result", StringComparison.Ordinal) || key.Contains("reason", StringComparison.Ordinal));
        audit.Should().Contain(e => e.Record.Reasoning == secret, "the reasoning is in the chain");
        receiver.AllBodies.Should().NotContain(body => Contains(body, secret), "no exported span, metric or log record carries an entry's values");
    }

    private static readonly string[] Metrics =
    [
        "governedcrm.calls", "governedcrm.denials", "governedcrm.approvals.pending", "governedcrm.audit.append.duration", "governedcrm.audit.verify.duration",
    ];

    private static StdioClientTransport Transport(string folder, string endpoint, StderrTail stderr) => new(new StdioClientTransportOptions
    {
        Name = "otel",
        Command = "dotnet",
        Arguments = [ServerProcess.ServerDll, "--data", folder],
        EnvironmentVariables = new Dictionary<string, string?>
        {
            ["GOVERNEDCRM_USER"] = User,
            ["GOVERNEDCRM_ADMINS"] = User, // Audit.VerifyChain, for the verify duration.
            ["GOVERNEDCRM_DATA"] = "",
            ["GOVERNEDCRM_POLICY"] = "",
            ["GOVERNEDCRM_TOOLS"] = "",
            ["GOVERNEDCRM_CONNECTORS"] = "",
            ["GOVERNEDCRM_AUDIT_KEY"] = "",
            ["GOVERNEDCRM_AUDIT_ANCHOR"] = "",
            ["GOVERNEDCRM_APPROVAL_WAIT"] = "",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "250",
            ["OTEL_SDK_DISABLED"] = "",
            ["OTEL_TRACES_EXPORTER"] = "",
            ["OTEL_METRICS_EXPORTER"] = "",
            ["OTEL_LOGS_EXPORTER"] = "",
            ["DOTNET_NOLOGO"] = "1",
        },
        StandardErrorLines = stderr.Add,
        ShutdownTimeout = TimeSpan.FromSeconds(20),
    });

    private static (string TraceId, string SpanId) TraceParent() => (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());

    private static JsonObject Meta((string TraceId, string SpanId) parent, string? traceState = null)
    {
        var meta = new JsonObject { ["traceparent"] = $"00-{parent.TraceId}-{parent.SpanId}-01" };
        if (traceState is not null)
        {
            meta["tracestate"] = traceState;
        }

        return meta;
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, object arguments, JsonObject? meta)
    {
        var json = JsonSerializer.SerializeToElement(arguments);
        return await client.CallToolAsync(new CallToolRequestParams
        {
            Name = tool,
            Arguments = json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
            Meta = meta,
        });
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static OtlpSpan CallSpan(OtlpReceiver receiver, string traceId) =>
        receiver.Spans.Should().ContainSingle(s => s.TraceId == traceId && s.Kind == 2, "one call span in trace {0}", traceId).Subject;

    // The step spans under a call span, in the order they started (ties: the order they were exported, which is the order they ended).
    private static List<OtlpSpan> Steps(OtlpReceiver receiver, OtlpSpan call) =>
        [.. receiver.Spans.Where(s => s.TraceId == call.TraceId && s.ParentSpanId == call.SpanId).OrderBy(s => s.Start).ThenBy(s => s.Arrival)];

    private static OtlpPoint Latest(OtlpReceiver receiver, string metric, params (string Key, object Value)[] attributes) =>
        receiver.Points.Where(p => p.Metric == metric && attributes.All(a => p.Attributes.TryGetValue(a.Key, out var v) && Equals(v, a.Value)))
            .OrderBy(p => p.Time).LastOrDefault()
        ?? throw new Xunit.Sdk.XunitException($"no {metric} point with {string.Join(", ", attributes)}; got: {string.Join("; ", receiver.Points.Where(p => p.Metric == metric).Select(p => string.Join(",", p.Attributes)))}");

    private static List<OtlpLog> AuditLogs(OtlpReceiver receiver) => [.. receiver.Logs.Where(l => l.Scope == "GovernedCrm.Audit.Entries")];

    private static bool Is(OtlpLog log, AuditEntry entry) =>
        Equals(log.Attributes.GetValueOrDefault("governedcrm.audit.chain"), entry.Record.Tenant)
        && Equals(log.Attributes.GetValueOrDefault("governedcrm.audit.sequence"), entry.Sequence);

    private static async Task<List<AuditEntry>> AuditEntriesAsync(string folder)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(GovernedCrm.Audit.Store.AuditPaths.InDataFolder(folder).DatabasePath, chain: null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
