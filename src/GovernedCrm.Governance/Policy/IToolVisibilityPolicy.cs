using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Policy;

/// <summary>Decides which tools a caller is shown when listing tools: a tool the caller can never call is not advertised.</summary>
public interface IToolVisibilityPolicy
{
    /// <summary>True when <paramref name="caller"/> should see <paramref name="tool"/> in the tool list.</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="caller">The caller.</param>
    /// <returns>Whether to list the tool.</returns>
    bool IsVisible(GovernedToolDescriptor tool, CallerIdentity caller);
}
