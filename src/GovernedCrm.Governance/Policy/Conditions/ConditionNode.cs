namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>A node of a parsed condition. Evaluation never throws: missing values are null.</summary>
internal abstract class ConditionNode
{
    /// <summary>Evaluates the node for one call.</summary>
    /// <param name="scope">What the condition can see of the call.</param>
    /// <returns>The node's value.</returns>
    public abstract ConditionValue Evaluate(ref ConditionScope scope);
}
