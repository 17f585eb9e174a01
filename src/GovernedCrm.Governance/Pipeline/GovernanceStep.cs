namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// What the default steps share: a name, and the argument checks of <see cref="InvokeAsync{TResult}"/>. A step says only what it
/// does with a call (<see cref="RunAsync{TResult}"/>). A host's own step may derive from it or implement
/// <see cref="IGovernanceStep"/> directly.
/// </summary>
/// <param name="name">The step's name, e.g. "validation" (for a default step, its name in <see cref="DefaultGovernancePipeline.StepOrder"/>).</param>
public abstract class GovernanceStep(string name) : IGovernanceStep
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        return RunAsync(call, next, cancellationToken);
    }

    /// <summary>Runs the step on a call (both arguments checked): refuses it, or calls <paramref name="next"/>.</summary>
    /// <typeparam name="TResult">The tool's result type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    protected abstract ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken);
}
