using System.Collections.Concurrent;
using System.Reflection;

namespace GovernedCrm.Governance.Tools;

/// <summary>
/// The governance metadata of every tool the server exposes, checked when the server starts.
/// A tool with neither <see cref="GovernedToolAttribute"/> nor <see cref="UngovernedToolAttribute"/>
/// is refused, so no tool can reach customer data by being forgotten.
/// </summary>
public sealed class GovernedToolCatalog
{
    private readonly ConcurrentDictionary<string, GovernedToolDescriptor> _governed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _ungoverned = new(StringComparer.Ordinal);

    /// <summary>Registers a tool from its attributes, or throws an actionable error when they are missing or contradictory.</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="implementation">A readable name of the method, for the error message.</param>
    /// <param name="attributes">The method's and its class's attributes.</param>
    /// <exception cref="GovernanceConfigurationException">The tool has no or inconsistent governance metadata.</exception>
    public void Register(string toolName, string implementation, IEnumerable<object> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var list = attributes as IReadOnlyCollection<object> ?? attributes.ToList();
        var governed = list.OfType<GovernedToolAttribute>().FirstOrDefault();
        var ungoverned = list.OfType<UngovernedToolAttribute>().FirstOrDefault();

        if (governed is not null && ungoverned is not null)
        {
            throw new GovernanceConfigurationException(
                $"Tool '{toolName}' ({implementation}) has both [GovernedTool] and [UngovernedTool]: remove one.");
        }

        if (ungoverned is not null)
        {
            if (string.IsNullOrWhiteSpace(ungoverned.Reason))
            {
                throw new GovernanceConfigurationException(
                    $"Tool '{toolName}' ({implementation}) is [UngovernedTool] without a reason: say why it needs no governance.");
            }

            _ungoverned[toolName] = ungoverned.Reason;
            return;
        }

        if (governed is null)
        {
            throw new GovernanceConfigurationException(
                $"Tool '{toolName}' ({implementation}) has no governance metadata. Add " +
                $"[GovernedTool(Action = GovernedAction.Read|Create|Update|Delete, ObjectType = \"deal\")] " +
                $"(or ObjectTypeArgument = \"objectType\") to the method, from namespace {typeof(GovernedToolAttribute).Namespace}. " +
                "Every tool runs through the governance pipeline; a tool that truly needs none must say why with [UngovernedTool(\"reason\")].");
        }

        if (governed.ObjectType is null == governed.ObjectTypeArgument is null)
        {
            throw new GovernanceConfigurationException(
                $"Tool '{toolName}' ({implementation}): [GovernedTool] needs exactly one of ObjectType (a fixed type) or ObjectTypeArgument (the argument that names it).");
        }

        if (!Enum.IsDefined(governed.Action))
        {
            throw new GovernanceConfigurationException($"Tool '{toolName}' ({implementation}): [GovernedTool] has an unknown Action.");
        }

        _governed[toolName] = new GovernedToolDescriptor(
            toolName, governed.Action, governed.ObjectType, governed.ObjectTypeArgument, governed.RecordIdArgument, governed.TargetSystem);
    }

    /// <summary>Registers a tool method from its reflection attributes (method first, then class).</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="method">The method implementing the tool.</param>
    public void Register(string toolName, MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var attributes = method.GetCustomAttributes(inherit: true)
            .Concat(method.DeclaringType?.GetCustomAttributes(inherit: true) ?? []);
        Register(toolName, $"{method.DeclaringType?.Name}.{method.Name}", attributes);
    }

    /// <summary>Finds the governance metadata of a governed tool.</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="descriptor">The metadata, when the tool is governed.</param>
    /// <returns>True when the tool is governed.</returns>
    public bool TryGetGoverned(string toolName, out GovernedToolDescriptor descriptor) =>
        _governed.TryGetValue(toolName, out descriptor!);

    /// <summary>True when the tool was registered as deliberately ungoverned.</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    public bool IsUngoverned(string toolName) => _ungoverned.ContainsKey(toolName);

    /// <summary>The tools registered as ungoverned, with their reasons.</summary>
    public IReadOnlyDictionary<string, string> Ungoverned => _ungoverned;

    /// <summary>The governed tools.</summary>
    public IReadOnlyCollection<GovernedToolDescriptor> Governed => (IReadOnlyCollection<GovernedToolDescriptor>)_governed.Values;
}
