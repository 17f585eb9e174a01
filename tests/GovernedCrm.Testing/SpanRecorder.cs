using System.Collections.Concurrent;
using System.Diagnostics;
using GovernedCrm.Governance.Telemetry;

namespace GovernedCrm.Testing;

/// <summary>
/// Listens to the server's activity source (<see cref="GovernanceTelemetry.Source"/>) as an exporter would, every
/// span sampled with all its data, and keeps each span when it ends, in the order they end. Listening is global: a
/// test picks its own spans out by trace id or execution id.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;

    /// <summary>Starts listening.</summary>
    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GovernanceTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every span that ended so far, in the order they ended.</summary>
    public IReadOnlyList<Activity> Ended => [.. _ended];

    /// <summary>The ended spans of one trace, in the order they ended.</summary>
    /// <param name="traceId">The trace.</param>
    /// <returns>The spans.</returns>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => [.. _ended.Where(s => s.TraceId == traceId)];

    /// <summary>The ended call span (<see cref="CallTracing"/>) of the call with <paramref name="executionId"/>, or null.</summary>
    /// <param name="executionId">The call's execution id.</param>
    /// <returns>The span, or null.</returns>
    public Activity? CallSpan(string executionId) =>
        _ended.FirstOrDefault(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem(TelemetryTags.ExecutionId), executionId));

    /// <summary>The step spans under <paramref name="call"/>, in the order they ended (which is the order the steps handed the call on).</summary>
    /// <param name="call">The call span.</param>
    /// <returns>The spans.</returns>
    public IReadOnlyList<Activity> StepsOf(Activity call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return [.. _ended.Where(s => s.TraceId == call.TraceId && s.ParentSpanId == call.SpanId)];
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}
