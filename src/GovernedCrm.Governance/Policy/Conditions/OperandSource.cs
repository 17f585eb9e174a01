namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>Where an operand's value comes from.</summary>
internal enum OperandSource
{
    /// <summary><c>current.&lt;prop&gt;</c>: the targeted record's value now.</summary>
    Current,

    /// <summary><c>proposed.&lt;prop&gt;</c>: the value in the write's properties argument.</summary>
    Proposed,

    /// <summary><c>after.&lt;prop&gt;</c>: proposed when the write sets it, else current.</summary>
    After,

    /// <summary><c>args.&lt;name&gt;</c>: a top-level argument.</summary>
    Args,

    /// <summary><c>changed(&lt;prop&gt;)</c>: whether the write changes the property.</summary>
    Changed,
}
