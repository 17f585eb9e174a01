namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>Thrown inside the lexer and parser to unwind to <see cref="Condition.TryParse"/>, which turns it into a <see cref="ConditionSyntaxError"/>.</summary>
internal sealed class ConditionSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="position">The character (1 is the first) where the problem is.</param>
    /// <param name="message">What is wrong and what would be right.</param>
    public ConditionSyntaxException(int position, string message)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Creates the exception (for serializers and analyzers; not used).</summary>
    public ConditionSyntaxException()
    {
    }

    /// <summary>Creates the exception (for analyzers; not used).</summary>
    /// <param name="message">The message.</param>
    public ConditionSyntaxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for analyzers; not used).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConditionSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The character (1 is the first) where the problem is.</summary>
    public int Position { get; }
}
