namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>The kinds of token in a condition.</summary>
internal enum ConditionTokenKind
{
    /// <summary>A name or keyword: [A-Za-z_][A-Za-z0-9_]*.</summary>
    Name,

    /// <summary>A number literal.</summary>
    Number,

    /// <summary>A quoted string literal (the token's text is the unquoted value).</summary>
    String,

    /// <summary>A comparison operator.</summary>
    Operator,

    /// <summary>(</summary>
    OpenParen,

    /// <summary>)</summary>
    CloseParen,

    /// <summary>[</summary>
    OpenBracket,

    /// <summary>]</summary>
    CloseBracket,

    /// <summary>,</summary>
    Comma,

    /// <summary>.</summary>
    Dot,

    /// <summary>The end of the condition.</summary>
    End,
}
