using System.Collections.Concurrent;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>
/// Finds the rules of a tool in one dictionary lookup. Tools named exactly by some rule are indexed when the
/// policy compiles; other names (matched only by globs, or by nothing) are indexed on first use, up to a bound,
/// so a stream of made-up tool names cannot grow memory.
/// </summary>
internal sealed class ToolRuleIndex
{
    private const int MaxLazyEntries = 1024;

    private readonly IReadOnlyList<CompiledRule> _rules;
    private readonly string _policyVersion;
    private readonly Dictionary<string, ToolRuleSet> _exact = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ToolRuleSet> _lazy = new(StringComparer.Ordinal);

    /// <summary>Indexes the rules.</summary>
    /// <param name="rules">Every rule, in file order.</param>
    /// <param name="policyVersion">Stamped on the fixed denials.</param>
    public ToolRuleIndex(IReadOnlyList<CompiledRule> rules, string policyVersion)
    {
        _rules = rules;
        _policyVersion = policyVersion;
        foreach (var rule in rules)
        {
            foreach (var pattern in rule.Definition.Tools)
            {
                if (pattern.Prefix is null && !_exact.ContainsKey(pattern.Text))
                {
                    _exact.Add(pattern.Text, new ToolRuleSet(pattern.Text, rules, policyVersion));
                }
            }
        }
    }

    /// <summary>The rules that name <paramref name="toolName"/>.</summary>
    public ToolRuleSet For(string toolName)
    {
        if (_exact.TryGetValue(toolName, out var set) || _lazy.TryGetValue(toolName, out set))
        {
            return set;
        }

        set = new ToolRuleSet(toolName, _rules, _policyVersion);
        return _lazy.Count < MaxLazyEntries ? _lazy.GetOrAdd(toolName, set) : set;
    }
}
