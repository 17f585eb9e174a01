using GovernedCrm.Governance.Telemetry;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// The ordered, frozen list of governance steps every governed call runs through before its tool.
/// Build it with <see cref="GovernancePipelineBuilder"/>.
/// </summary>
public sealed class GovernancePipeline
{
    internal GovernancePipeline(IReadOnlyList<IGovernanceStep> steps) => Steps = steps;

    /// <summary>The steps, in the order they run.</summary>
    public IReadOnlyList<IGovernanceStep> Steps { get; }

    /// <summary>
    /// Runs <paramref name="call"/> through every step and then <paramref name="tool"/>, unless a step refuses it. Each
    /// step runs in a span of its own under the call's span (<see cref="CallTracing"/>), and the call is counted by its
    /// outcome (<see cref="GovernanceMetrics"/>); with no telemetry listener neither costs more than a check.
    /// </summary>
    /// <typeparam name="TResult">The tool's result type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="tool">Runs the tool with the call as the steps left it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tool's result, or why it was refused.</returns>
    public ValueTask<GovernanceOutcome<TResult>> ExecuteAsync<TResult>(
        GovernedCall call,
        Func<GovernedCall, CancellationToken, ValueTask<TResult>> tool,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(tool);
        return RunAsync(call, tool, cancellationToken);
    }

    private async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(
        GovernedCall call, Func<GovernedCall, CancellationToken, ValueTask<TResult>> tool, CancellationToken cancellationToken)
    {
        var span = CallTracing.Current;
        GovernanceOutcome<TResult> outcome;
        try
        {
            outcome = await new Runner<TResult>(Steps, tool, span?.Context ?? default).InvokeAsync(0, call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Ended(span, call, CallOutcome.Of(ex));
            throw;
        }

        Ended(span, call, CallOutcome.Of(outcome));
        return outcome;
    }

    private static void Ended(System.Diagnostics.Activity? span, GovernedCall call, CallOutcome outcome)
    {
        CallTracing.Ended(span, outcome);
        GovernanceMetrics.Record(call.Tool.ToolName, outcome);
    }

    private sealed class Runner<TResult>(
        IReadOnlyList<IGovernanceStep> steps, Func<GovernedCall, CancellationToken, ValueTask<TResult>> tool, System.Diagnostics.ActivityContext callSpan)
    {
        public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync(int index, GovernedCall call, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (index == steps.Count)
            {
                return GovernanceOutcome<TResult>.FromResult(await tool(call, cancellationToken).ConfigureAwait(false));
            }

            var step = steps[index];
            var span = StepTracing.Start(step, callSpan);
            try
            {
                var outcome = await step
                    .InvokeAsync<TResult>(call, (c, ct) =>
                    {
                        StepTracing.HandedOn(span);
                        return InvokeAsync(index + 1, c, ct);
                    }, cancellationToken)
                    .ConfigureAwait(false);
                StepTracing.Returned(span, outcome);
                return outcome;
            }
            catch (Exception ex)
            {
                StepTracing.Threw(span, ex);
                throw;
            }
        }
    }
}
