using System.Diagnostics;

namespace GovernedCrm.Governance.Telemetry;

/// <summary>
/// The span of one governed call (<c>tools/call TOOL</c>, kind server): the host starts it around the pipeline, with
/// the client's trace context as its parent when the client sent one; the pipeline's step spans go under it and the
/// pipeline writes the call's outcome on it.
/// </summary>
public static class CallTracing
{
    /// <summary>The MCP method a call span is named after.</summary>
    public const string Method = "tools/call";

    /// <summary>
    /// Starts the span of <paramref name="call"/>; null when nobody listens (or the sampler drops it). Dispose it when the
    /// call's answer is ready.
    /// </summary>
    /// <param name="call">The call, as the host built it.</param>
    /// <param name="parent">The client's trace context, or default for none (the span then continues the current one, if any).</param>
    /// <returns>The started span, or null.</returns>
    public static Activity? StartCall(GovernedCall call, ActivityContext parent)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!GovernanceTelemetry.Source.HasListeners())
        {
            return null;
        }

        var span = GovernanceTelemetry.Source.StartActivity($"{Method} {call.Tool.ToolName}", ActivityKind.Server, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TelemetryTags.McpMethod, Method);
            span.SetTag(TelemetryTags.Tool, call.Tool.ToolName);
            span.SetTag(TelemetryTags.ExecutionId, call.ExecutionId);
            span.SetTag(TelemetryTags.Tenant, call.Caller.Tenant);
            span.SetTag(TelemetryTags.Actor, call.Caller.UserId);
            span.SetTag(TelemetryTags.McpSession, call.Origin.SessionId);
            span.SetTag(TelemetryTags.RequestId, call.Origin.RequestId);
        }

        return span;
    }

    /// <summary>The span of the call now running, when it is one of ours.</summary>
    internal static Activity? Current =>
        Activity.Current is { Kind: ActivityKind.Server } current && ReferenceEquals(current.Source, GovernanceTelemetry.Source) ? current : null;

    /// <summary>Writes how the call ended on its span: outcome, code and rule; an error or a tool failure sets the error status.</summary>
    /// <param name="span">The call's span, or null.</param>
    /// <param name="outcome">How it ended.</param>
    internal static void Ended(Activity? span, CallOutcome outcome)
    {
        if (span is not { IsAllDataRequested: true })
        {
            return;
        }

        span.SetTag(TelemetryTags.Outcome, outcome.Name);
        span.SetTag(TelemetryTags.Code, outcome.Code);
        span.SetTag(TelemetryTags.Rule, outcome.Rule);
        if (outcome.Name is CallOutcome.Error or CallOutcome.Failed)
        {
            span.SetStatus(ActivityStatusCode.Error, outcome.Code);
        }
    }
}
