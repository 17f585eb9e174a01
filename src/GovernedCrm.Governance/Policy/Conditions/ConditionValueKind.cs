namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>The kinds of value a condition works with.</summary>
internal enum ConditionValueKind
{
    /// <summary>No value: an absent property or argument, or JSON null.</summary>
    Null,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A finite number.</summary>
    Number,

    /// <summary>Text.</summary>
    String,

    /// <summary>A JSON object or array: never equal to anything, never ordered.</summary>
    Other,
}
