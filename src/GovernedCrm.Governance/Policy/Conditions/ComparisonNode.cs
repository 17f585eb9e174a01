namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>A comparison of two values (see <see cref="ConditionValue"/> for the semantics).</summary>
/// <param name="op">The operator.</param>
/// <param name="left">The left operand.</param>
/// <param name="right">The right operand.</param>
internal sealed class ComparisonNode(ComparisonOperator op, ConditionNode left, ConditionNode right) : ConditionNode
{
    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope)
    {
        var a = left.Evaluate(ref scope);
        var b = right.Evaluate(ref scope);
        return ConditionValue.FromBool(op switch
        {
            ComparisonOperator.Equal => ConditionValue.AreEqual(a, b),
            ComparisonOperator.NotEqual => !ConditionValue.AreEqual(a, b),
            ComparisonOperator.Greater => ConditionValue.Order(a, b) > 0,
            ComparisonOperator.GreaterOrEqual => ConditionValue.Order(a, b) >= 0,
            ComparisonOperator.Less => ConditionValue.Order(a, b) < 0,
            _ => ConditionValue.Order(a, b) <= 0,
        });
    }
}
