namespace GovernedCrm.Governance.Pipeline;

/// <summary>What happened to a governed call: the tool ran and returned a result, or a step refused it. Data, not exceptions.</summary>
/// <typeparam name="TResult">The tool's result type.</typeparam>
public sealed class GovernanceOutcome<TResult>
{
    private GovernanceOutcome(TResult? result, GovernanceRefusal? refusal)
    {
        Result = result;
        Refusal = refusal;
    }

    /// <summary>The tool's result, when it ran.</summary>
    public TResult? Result { get; }

    /// <summary>Why the call was refused, when it was.</summary>
    public GovernanceRefusal? Refusal { get; }

    /// <summary>True when the tool ran.</summary>
    public bool Executed => Refusal is null;

    /// <summary>The tool ran and returned <paramref name="result"/>.</summary>
    /// <param name="result">The tool's result.</param>
    public static GovernanceOutcome<TResult> FromResult(TResult result) => new(result, null);

    /// <summary>A step refused the call.</summary>
    /// <param name="refusal">Why.</param>
    public static GovernanceOutcome<TResult> Refused(GovernanceRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(default, refusal);
    }
}
