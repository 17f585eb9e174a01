namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>A node of a policy file with its place (1-based line and column): the reader's own small tree, so every error can point at its node.</summary>
/// <param name="Line">Where the node starts.</param>
/// <param name="Column">Where the node starts.</param>
internal abstract record YamlNode(int Line, int Column)
{
    /// <summary>"a list", "a mapping" or "a value", for error messages.</summary>
    public abstract string KindName { get; }
}

/// <summary>A scalar: the text as written (YAML types are not resolved; the reader decides what it needs).</summary>
/// <param name="Line">Where the node starts.</param>
/// <param name="Column">Where the node starts.</param>
/// <param name="Value">The scalar's text.</param>
/// <param name="IsPlain">True when written without quotes or block indicators (only plain scalars can mean null).</param>
/// <param name="IsQuoted">True when written in single or double quotes.</param>
/// <param name="IsSingleLine">True when the scalar starts and ends on the same line.</param>
internal sealed record YamlScalar(int Line, int Column, string Value, bool IsPlain, bool IsQuoted, bool IsSingleLine) : YamlNode(Line, Column)
{
    /// <summary>True for an empty plain scalar, ~ or null: YAML's spellings of "no value".</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <inheritdoc />
    public override string KindName => "a value";
}

/// <summary>A sequence.</summary>
/// <param name="Line">Where the node starts.</param>
/// <param name="Column">Where the node starts.</param>
/// <param name="Items">The items.</param>
internal sealed record YamlSequence(int Line, int Column, IReadOnlyList<YamlNode> Items) : YamlNode(Line, Column)
{
    /// <inheritdoc />
    public override string KindName => "a list";
}

/// <summary>A mapping with scalar keys, in file order, keys unique.</summary>
/// <param name="Line">Where the node starts.</param>
/// <param name="Column">Where the node starts.</param>
/// <param name="Entries">The entries.</param>
internal sealed record YamlMapping(int Line, int Column, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries) : YamlNode(Line, Column)
{
    /// <inheritdoc />
    public override string KindName => "a mapping";
}
