namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary><c>x in [a, b]</c>: true when x == any of the literals.</summary>
/// <param name="operand">The value to look for.</param>
/// <param name="values">The literals.</param>
internal sealed class InNode(ConditionNode operand, ConditionValue[] values) : ConditionNode
{
    /// <inheritdoc />
    public override ConditionValue Evaluate(ref ConditionScope scope)
    {
        var value = operand.Evaluate(ref scope);
        foreach (var candidate in values)
        {
            if (ConditionValue.AreEqual(value, candidate))
            {
                return ConditionValue.True;
            }
        }

        return ConditionValue.False;
    }
}
