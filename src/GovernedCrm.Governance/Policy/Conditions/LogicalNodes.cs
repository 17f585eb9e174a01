namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary><c>a and b</c>: true when both are true; b is not evaluated when a is false.</summary>
/// <param name="left">The left operand.</param>
/// <param name="right">The right operand.</param>
internal sealed class AndNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope) =>
        ConditionValue.FromBool(left.Evaluate(ref scope).IsTrue && right.Evaluate(ref scope).IsTrue);
}

/// <summary><c>a or b</c>: true when either is true; b is not evaluated when a is true.</summary>
/// <param name="left">The left operand.</param>
/// <param name="right">The right operand.</param>
internal sealed class OrNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope) =>
        ConditionValue.FromBool(left.Evaluate(ref scope).IsTrue || right.Evaluate(ref scope).IsTrue);
}

/// <summary><c>not a</c>: true when a is not true (false, null or any other value).</summary>
/// <param name="operand">The operand.</param>
internal sealed class NotNode(ConditionNode operand) : ConditionNode
{
    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope) =>
        ConditionValue.FromBool(!operand.Evaluate(ref scope).IsTrue);
}
