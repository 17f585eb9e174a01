namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>A rule's parsed <c>when</c> condition: parsed once when the policy loads, evaluated per call.</summary>
internal sealed class Condition
{
    private readonly ConditionNode _root;

    private Condition(string text, ConditionNode root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>Parses a condition.</summary>
    /// <param name="text">The condition.</param>
    /// <param name="condition">The parsed condition, when valid.</param>
    /// <param name="error">What is wrong and where, when not.</param>
    /// <returns>Whether the condition is valid.</returns>
    public static bool TryParse(string text, out Condition? condition, out ConditionSyntaxError? error)
    {
        try
        {
            condition = new Condition(text, ConditionParser.Parse(text));
            error = null;
            return true;
        }
        catch (ConditionSyntaxException ex)
        {
            condition = null;
            error = new ConditionSyntaxError(ex.Position, ex.Message);
            return false;
        }
    }

    /// <summary>Whether the condition holds for a call.</summary>
    /// <param name="scope">What the condition can see of the call.</param>
    /// <returns>True when the condition's value is the boolean true.</returns>
    public bool IsTrue(ref ConditionScope scope) => _root.Evaluate(ref scope).IsTrue;

    /// <summary>Whether the condition holds for a call.</summary>
    /// <param name="call">The call.</param>
    /// <returns>True when the condition's value is the boolean true.</returns>
    public bool IsTrue(GovernedCall call)
    {
        var scope = new ConditionScope(call);
        return IsTrue(ref scope);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
