using System.Diagnostics;

namespace GovernedCrm.Governance.Telemetry;

/// <summary>
/// The span of one pipeline step, a child of the call's span: it runs from the step's start until the step hands the
/// call on (<c>passed</c>), answers it itself (<c>refused</c>, with the refusal's code and rule, or <c>answered</c>)
/// or throws before handing it on (<c>failed</c>, with the exception's type). What a step does after the rest of the
/// pipeline returns belongs to the call's span. <see cref="GovernancePipeline"/> starts it, once for every step.
/// </summary>
internal static class StepTracing
{
    /// <summary>The prefix of a step span's name: <c>governance.audit</c>, <c>governance.policy</c>, ...</summary>
    public const string NamePrefix = "governance.";

    /// <summary>Starts the span of <paramref name="step"/>; null when nobody listens.</summary>
    /// <param name="step">The step.</param>
    /// <param name="call">The call's span context (default: the current span is the parent).</param>
    /// <returns>The span, or null.</returns>
    public static Activity? Start(IGovernanceStep step, ActivityContext call)
    {
        if (!GovernanceTelemetry.Source.HasListeners())
        {
            return null;
        }

        var span = GovernanceTelemetry.Source.StartActivity(NamePrefix + step.Name, ActivityKind.Internal, call);
        span?.SetTag(TelemetryTags.Step, step.Name);
        return span;
    }

    /// <summary>The step handed the call on: its span ends.</summary>
    /// <param name="span">The step's span, or null.</param>
    public static void HandedOn(Activity? span) => End(span, "passed");

    /// <summary>The step returned: when it answered without handing the call on, its span ends with the refusal.</summary>
    /// <typeparam name="TResult">The tool's result type.</typeparam>
    /// <param name="span">The step's span, or null.</param>
    /// <param name="outcome">What the step returned.</param>
    public static void Returned<TResult>(Activity? span, GovernanceOutcome<TResult> outcome)
    {
        if (span is null || span.IsStopped)
        {
            return;
        }

        if (outcome.Refusal is { } refusal)
        {
            span.SetTag(TelemetryTags.Code, refusal.Code);
            span.SetTag(TelemetryTags.Rule, refusal.Rule);
            End(span, "refused");
        }
        else
        {
            End(span, "answered");
        }
    }

    /// <summary>The step threw: when it had not handed the call on, its span ends with the exception's type (never its message).</summary>
    /// <param name="span">The step's span, or null.</param>
    /// <param name="exception">What it threw.</param>
    public static void Threw(Activity? span, Exception exception)
    {
        if (span is null || span.IsStopped)
        {
            return;
        }

        // A question put to the requester travels as an exception; it is the step's answer, not a failure.
        var outcome = CallOutcome.Of(exception);
        if (outcome.Name == CallOutcome.InputRequired)
        {
            End(span, "answered");
            return;
        }

        span.SetTag(TelemetryTags.Code, outcome.Code);
        span.SetTag(TelemetryTags.ErrorType, exception.GetType().FullName);
        span.SetStatus(ActivityStatusCode.Error);
        End(span, "failed");
    }

    private static void End(Activity? span, string result)
    {
        if (span is null || span.IsStopped)
        {
            return;
        }

        span.SetTag(TelemetryTags.StepResult, result);
        span.Stop();
    }
}
