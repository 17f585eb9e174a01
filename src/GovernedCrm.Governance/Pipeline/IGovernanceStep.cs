namespace GovernedCrm.Governance.Pipeline;

/// <summary>Calls the rest of the pipeline (the next steps, then the tool).</summary>
/// <typeparam name="TResult">The tool's result type.</typeparam>
/// <param name="call">The call, possibly with replaced arguments.</param>
/// <param name="cancellationToken">Cancels the call.</param>
public delegate ValueTask<GovernanceOutcome<TResult>> GovernanceNext<TResult>(GovernedCall call, CancellationToken cancellationToken);

/// <summary>
/// One step of the governance pipeline (validation, policy, approval, audit, credentials). A step either refuses
/// the call by returning <see cref="GovernanceOutcome{TResult}.Refused"/> without calling <c>next</c>, or calls
/// <c>next</c> and may inspect what it returns.
/// </summary>
public interface IGovernanceStep
{
    /// <summary>A short name for logs and docs, e.g. "validation".</summary>
    string Name { get; }

    /// <summary>Runs the step.</summary>
    /// <typeparam name="TResult">The tool's result type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken);
}
