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

    /// <summary>Runs <paramref name="call"/> through every step and then <paramref name="tool"/>, unless a step refuses it.</summary>
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
        return new Runner<TResult>(Steps, tool).InvokeAsync(0, call, cancellationToken);
    }

    private sealed class Runner<TResult>(IReadOnlyList<IGovernanceStep> steps, Func<GovernedCall, CancellationToken, ValueTask<TResult>> tool)
    {
        public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync(int index, GovernedCall call, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (index == steps.Count)
            {
                return GovernanceOutcome<TResult>.FromResult(await tool(call, cancellationToken).ConfigureAwait(false));
            }

            return await steps[index]
                .InvokeAsync<TResult>(call, (c, ct) => InvokeAsync(index + 1, c, ct), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
