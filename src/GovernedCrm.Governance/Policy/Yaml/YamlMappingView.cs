namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// A mapping of the policy file checked against the keys it may have: unknown keys are reported with the
/// valid ones, and keys whose value is YAML null (<c>key:</c>, <c>~</c>, <c>null</c>) count as absent.
/// </summary>
internal sealed class YamlMappingView
{
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);

    private YamlMappingView(YamlMapping mapping)
    {
        Mapping = mapping;
    }

    /// <summary>The mapping (its place is where "missing key" errors point).</summary>
    public YamlMapping Mapping { get; }

    /// <summary>Opens <paramref name="node"/> as a mapping with the given keys, reporting anything else.</summary>
    /// <param name="node">The node.</param>
    /// <param name="what">What the mapping is, for messages ("rule 'big-deals'", "limits").</param>
    /// <param name="validKeys">The keys it may have.</param>
    /// <param name="errors">Where problems go.</param>
    /// <returns>The view, or null when the node is not a mapping.</returns>
    public static YamlMappingView? Open(YamlNode node, string what, IReadOnlyList<string> validKeys, PolicyErrorList errors)
    {
        if (node is not YamlMapping mapping)
        {
            errors.Add(node, $"{what} must be a mapping (key: value), found {node.KindName}");
            return null;
        }

        var view = new YamlMappingView(mapping);
        foreach (var (key, value) in mapping.Entries)
        {
            if (!validKeys.Contains(key.Value, StringComparer.Ordinal))
            {
                errors.Add(key, $"unknown key '{key.Value}' in {what}; valid keys: {string.Join(", ", validKeys)}");
            }
            else if (value is not YamlScalar { IsNull: true })
            {
                view._values[key.Value] = value;
            }
        }

        return view;
    }

    /// <summary>The value of a key, or null when absent or null.</summary>
    public YamlNode? Get(string key) => _values.GetValueOrDefault(key);
}
