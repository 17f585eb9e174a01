namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>One token of a condition.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its text (for strings, the unquoted value).</param>
/// <param name="Position">Where it starts: 1 is the condition's first character.</param>
internal readonly record struct ConditionToken(ConditionTokenKind Kind, string Text, int Position)
{
    /// <summary>The token as the user wrote it, for error messages.</summary>
    public string Describe() => Kind switch
    {
        ConditionTokenKind.End => "the end of the condition",
        ConditionTokenKind.String => $"the string '{Text}'",
        _ => $"'{Text}'",
    };

    /// <summary>True when the token is the keyword <paramref name="keyword"/> (keywords are case-insensitive).</summary>
    public bool IsKeyword(string keyword) =>
        Kind == ConditionTokenKind.Name && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}
