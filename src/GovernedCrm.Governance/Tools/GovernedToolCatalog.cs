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
    /// <param name="sensitiveArguments">Arguments marked [Sensitive] or [Redact].</param>
    /// <param name="sensitiveResultFields">Result properties marked [Sensitive] or [Redact].</param>
    public void Register(
        string toolName,
        string implementation,
        IEnumerable<object> attributes,
        IReadOnlySet<string>? sensitiveArguments = null,
        IReadOnlySet<string>? sensitiveResultFields = null)
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

        var approval = list.OfType<RequiresApprovalAttribute>().FirstOrDefault();
        if (approval is not null && ungoverned is null && string.IsNullOrWhiteSpace(approval.Reason))
        {
            throw new GovernanceConfigurationException($"Tool '{toolName}' ({implementation}): [RequiresApproval] needs a Reason the approver can read.");
        }

        _governed[toolName] = new GovernedToolDescriptor(
            toolName, governed.Action, governed.ObjectType, governed.ObjectTypeArgument, governed.RecordIdArgument, governed.TargetSystem)
        {
            PropertiesArgument = governed.PropertiesArgument,
            RequiredApproval = approval,
            SensitiveArguments = sensitiveArguments ?? new HashSet<string>(StringComparer.Ordinal),
            SensitiveResultFields = sensitiveResultFields ?? new HashSet<string>(StringComparer.Ordinal),
        };
    }

    /// <summary>Registers a tool method from its reflection attributes (method first, then class).</summary>
    /// <param name="toolName">The tool's protocol name.</param>
    /// <param name="method">The method implementing the tool.</param>
    public void Register(string toolName, MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var attributes = method.GetCustomAttributes(inherit: true)
            .Concat(method.DeclaringType?.GetCustomAttributes(inherit: true) ?? []);
        var sensitiveArguments = method.GetParameters()
            .Where(p => p.Name is not null && p.IsDefined(typeof(SensitiveAttribute), inherit: true))
            .Select(p => ArgumentName(p))
            .ToHashSet(StringComparer.Ordinal);
        Register(toolName, $"{method.DeclaringType?.Name}.{method.Name}", attributes, sensitiveArguments, SensitiveResultFields(method.ReturnType));
    }

    /// <summary>The JSON names of the properties of a tool's result type (unwrapping Task/ValueTask) marked [Sensitive].</summary>
    /// <param name="returnType">The method's return type.</param>
    /// <returns>The property names, camel-cased as the JSON serializer writes them, and as declared.</returns>
    public static IReadOnlySet<string> SensitiveResultFields(Type returnType)
    {
        ArgumentNullException.ThrowIfNull(returnType);
        var type = returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? returnType.GetGenericArguments()[0]
            : returnType;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.IsDefined(typeof(SensitiveAttribute), inherit: true))
            {
                names.Add(property.Name);
                names.Add(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name));
            }
        }

        return names;
    }

    private static string ArgumentName(ParameterInfo parameter) =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);

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
