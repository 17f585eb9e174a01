namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>Collects every problem found in one policy file, so the author sees them all at once.</summary>
/// <param name="source">The file's name, the first part of every error.</param>
internal sealed class PolicyErrorList(string source)
{
    private readonly List<PolicyError> _errors = [];

    /// <summary>True when a problem was reported.</summary>
    public bool Any => _errors.Count > 0;

    /// <summary>Reports a problem at a place.</summary>
    public void Add(int line, int column, string message) => _errors.Add(new PolicyError(source, line, column, message));

    /// <summary>Reports a problem at a node.</summary>
    public void Add(YamlNode node, string message) => Add(node.Line, node.Column, message);

    /// <summary>The problems in file order.</summary>
    public IReadOnlyList<PolicyError> ToList() =>
        [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
}
