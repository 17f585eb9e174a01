namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>A value read from the call: <c>current.x</c>, <c>proposed.x</c>, <c>after.x</c>, <c>args.x</c> or <c>changed(x)</c>.</summary>
/// <param name="source">Where the value comes from.</param>
/// <param name="name">The property or argument name.</param>
internal sealed class OperandNode(OperandSource source, string name) : ConditionNode
{
    /// <summary>Where the value comes from.</summary>
    public OperandSource Source => source;

    /// <summary>The property or argument name.</summary>
    public string Name => name;

    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope) => source switch
    {
        OperandSource.Current => scope.Current(name),
        OperandSource.Proposed => scope.Proposed(name),
        OperandSource.After => scope.After(name),
        OperandSource.Args => scope.Argument(name),
        _ => ConditionValue.FromBool(scope.Changed(name)),
    };
}
