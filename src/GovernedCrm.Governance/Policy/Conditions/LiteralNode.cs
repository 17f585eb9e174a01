namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>A literal: a number, a string, true, false or null.</summary>
/// <param name="value">The literal's value.</param>
internal sealed class LiteralNode(ConditionValue value) : ConditionNode
{
    /// <summary>The literal's value.</summary>
    public ConditionValue Value => value;

    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope) => value;
}
