using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Telemetry;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Tests.Telemetry;

/// <summary>
/// The pipeline's spans and counters, read the way an exporter reads them (an activity listener, a meter listener):
/// one span per step under the call's span, in order, each ending when its step hands the call on or answers it;
/// the refusing step's code on its span and the call's; the calls and denials counted by outcome and code.
/// </summary>
public sealed class PipelineTelemetryTests
{
    [Fact]
    public async Task ExecuteAsync_UnderACallSpan_EachStepIsAChildSpanInOrderAndTheCallIsExecuted()
    {
        using var spans = new SpanRecorder();
        var pipeline = new GovernancePipelineBuilder().AddStep(new PassingStep("first")).AddStep(new PassingStep("second")).Build();
        var call = Call("Test.Passing");
        var client = ClientContext();

        using (var span = CallTracing.StartCall(call, client))
        {
            await pipeline.ExecuteAsync(call, (_, _) => ValueTask.FromResult(1), CancellationToken.None);
        }

        var callSpan = spans.CallSpan(call.ExecutionId);
        callSpan.Should().NotBeNull();
        callSpan!.DisplayName.Should().Be("tools/call Test.Passing");
        callSpan.TraceId.Should().Be(client.TraceId);
        callSpan.ParentSpanId.Should().Be(client.SpanId);
        callSpan.GetTagItem(TelemetryTags.Outcome).Should().Be(CallOutcome.Executed);
        var steps = spans.StepsOf(callSpan);
        steps.Select(s => s.DisplayName).Should().Equal("governance.first", "governance.second");
        steps.Should().AllSatisfy(s => s.GetTagItem(TelemetryTags.StepResult).Should().Be("passed"));
        steps.Should().AllSatisfy(s => s.Kind.Should().Be(ActivityKind.Internal));
    }

    [Fact]
    public async Task ExecuteAsync_StepRefuses_ItsSpanAndTheCallsCarryTheCodeAndLaterStepsHaveNoSpan()
    {
        using var spans = new SpanRecorder();
        var pipeline = new GovernancePipelineBuilder()
            .AddStep(new PassingStep("first"))
            .AddStep(new RefusingStep())
            .AddStep(new PassingStep("later"))
            .Build();
        var call = Call("Test.Refused");

        using (CallTracing.StartCall(call, ClientContext()))
        {
            await pipeline.ExecuteAsync(call, (_, _) => ValueTask.FromResult(1), CancellationToken.None);
        }

        var callSpan = spans.CallSpan(call.ExecutionId)!;
        callSpan.GetTagItem(TelemetryTags.Outcome).Should().Be(CallOutcome.Denied);
        callSpan.GetTagItem(TelemetryTags.Code).Should().Be("test.refused");
        callSpan.GetTagItem(TelemetryTags.Rule).Should().Be("rule-7");
        var steps = spans.StepsOf(callSpan);
        steps.Select(s => s.DisplayName).Should().Equal("governance.first", "governance.refuse");
        steps[1].GetTagItem(TelemetryTags.StepResult).Should().Be("refused");
        steps[1].GetTagItem(TelemetryTags.Code).Should().Be("test.refused");
    }

    [Fact]
    public async Task ExecuteAsync_StepThrows_ItsSpanFailsWithTheExceptionTypeAndNeverItsMessage()
    {
        using var spans = new SpanRecorder();
        var pipeline = new GovernancePipelineBuilder().AddStep(new PassingStep("first")).AddStep(new ThrowingStep()).Build();
        var call = Call("Test.Throwing");

        using (CallTracing.StartCall(call, ClientContext()))
        {
            var act = async () => await pipeline.ExecuteAsync(call, (_, _) => ValueTask.FromResult(1), CancellationToken.None);
            await act.Should().ThrowAsync<InvalidOperationException>();
        }

        var callSpan = spans.CallSpan(call.ExecutionId)!;
        callSpan.GetTagItem(TelemetryTags.Outcome).Should().Be(CallOutcome.Error);
        callSpan.Status.Should().Be(ActivityStatusCode.Error);
        var failed = spans.StepsOf(callSpan).Should().Contain(s => s.DisplayName == "governance.throw").Subject;
        failed.GetTagItem(TelemetryTags.StepResult).Should().Be("failed");
        failed.GetTagItem(TelemetryTags.ErrorType).Should().Be(typeof(InvalidOperationException).FullName);
        failed.Status.Should().Be(ActivityStatusCode.Error);
        spans.InTrace(callSpan.TraceId).SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString())
            .Should().NotContain(v => v != null && v.Contains(ThrowingStep.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_AfterHandingOn_TheRestRunsUnderTheCallSpanNotTheStepSpan()
    {
        using var spans = new SpanRecorder();
        var pipeline = new GovernancePipelineBuilder().AddStep(new PassingStep("first")).Build();
        var call = Call("Test.Current");
        Activity? currentInTool = null;

        using (var span = CallTracing.StartCall(call, ClientContext()))
        {
            await pipeline.ExecuteAsync(call, (_, _) => { currentInTool = Activity.Current; return ValueTask.FromResult(1); }, CancellationToken.None);
            currentInTool.Should().BeSameAs(span, "the step's span ended when it handed the call on");
        }
    }

    [Fact]
    public async Task ExecuteAsync_CountsCallsByOutcomeAndDenialsByCode()
    {
        using var measurements = new Measurements();
        var refusing = new GovernancePipelineBuilder().AddStep(new RefusingStep()).Build();
        var passing = new GovernancePipelineBuilder().AddStep(new PassingStep("first")).Build();
        var tool = $"Test.Counted{Guid.NewGuid():N}";

        await passing.ExecuteAsync(Call(tool), (_, _) => ValueTask.FromResult(1), CancellationToken.None);
        await refusing.ExecuteAsync(Call(tool), (_, _) => ValueTask.FromResult(1), CancellationToken.None);
        await refusing.ExecuteAsync(Call(tool), (_, _) => ValueTask.FromResult(1), CancellationToken.None);

        measurements.Sum("governedcrm.calls", tool, (TelemetryTags.Outcome, CallOutcome.Executed)).Should().Be(1);
        measurements.Sum("governedcrm.calls", tool, (TelemetryTags.Outcome, CallOutcome.Denied)).Should().Be(2);
        measurements.Sum("governedcrm.denials", tool, (TelemetryTags.Code, "test.refused")).Should().Be(2);
    }

    private static GovernedCall Call(string tool) => new()
    {
        Tool = new GovernedToolDescriptor(tool, GovernedAction.Read, "deal", null, "recordId", "crm"),
        Arguments = new Dictionary<string, System.Text.Json.JsonElement>(),
        Caller = new GovernedCrm.Governance.Identity.CallerIdentity("alice", GovernedCrm.Governance.Identity.CallerIdentity.DefaultTenant, ["rep"], "test"),
        ExecutionId = Guid.NewGuid().ToString("N"),
        ReceivedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };

    private static ActivityContext ClientContext() =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, traceState: null, isRemote: true);

    private sealed class PassingStep(string name) : GovernanceStep(name)
    {
        protected override ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) =>
            next(call, cancellationToken);
    }

    private sealed class RefusingStep() : GovernanceStep("refuse")
    {
        protected override ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GovernanceOutcome<TResult>.Refused(new GovernanceRefusal("test.refused", "no", "rule-7")));
    }

    private sealed class ThrowingStep() : GovernanceStep("throw")
    {
        public const string Secret = "s3cr3t-in-an-exception-message";

        protected override ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);
    }

    // The counters' measurements, as a metrics exporter receives them.
    private sealed class Measurements : IDisposable
    {
        private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _seen = new();
        private readonly MeterListener _listener = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GovernanceTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _seen.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public long Sum(string instrument, string tool, (string Key, string Value) tag) =>
            _seen.Where(m => m.Instrument == instrument && Has(m.Tags, TelemetryTags.Tool, tool) && Has(m.Tags, tag.Key, tag.Value)).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();

        private static bool Has(KeyValuePair<string, object?>[] tags, string key, string value) => tags.Any(t => t.Key == key && Equals(t.Value, value));
    }
}
