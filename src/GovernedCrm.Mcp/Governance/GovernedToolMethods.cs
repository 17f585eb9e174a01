using System.Collections.Concurrent;
using System.Reflection;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// The method behind each governed tool registered with WithGovernedTools, so the startup check can read the
/// attributes the SDK's tool metadata does not carry ([Sensitive] on parameters and on result properties).
/// </summary>
public sealed class GovernedToolMethods
{
    private readonly ConcurrentDictionary<string, MethodInfo> _methods = new(StringComparer.Ordinal);

    /// <summary>Records the method of a tool.</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="method">The method.</param>
    public void Add(string toolName, MethodInfo method) => _methods[toolName] = method;

    /// <summary>Finds the method of a tool.</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="method">The method, when known.</param>
    /// <returns>True when known.</returns>
    public bool TryGet(string toolName, out MethodInfo method) => _methods.TryGetValue(toolName, out method!);
}
