namespace GovernedCrm.Governance.Tools;

/// <summary>The governance metadata of one tool, read once at startup from its attributes.</summary>
/// <param name="ToolName">The tool's protocol name, e.g. "CRM.UpdateRecord".</param>
/// <param name="Action">What the tool does.</param>
/// <param name="ObjectType">The fixed object type, if any.</param>
/// <param name="ObjectTypeArgument">The argument naming the object type, if any.</param>
/// <param name="RecordIdArgument">The argument naming the target record, if any.</param>
/// <param name="TargetSystem">The system the tool acts on.</param>
public sealed record GovernedToolDescriptor(
    string ToolName,
    GovernedAction Action,
    string? ObjectType,
    string? ObjectTypeArgument,
    string? RecordIdArgument,
    string TargetSystem)
{
    /// <summary>The argument that carries the properties a write sets (an object: name → value).</summary>
    public const string DefaultPropertiesArgument = "properties";

    /// <summary>True when the tool changes data.</summary>
    public bool IsWrite => Action is not GovernedAction.Read;

    /// <summary>The argument whose object holds the properties a write sets (field-write rules and conditions read it).</summary>
    public string PropertiesArgument { get; init; } = DefaultPropertiesArgument;

    /// <summary>Approval the tool always needs (from <see cref="RequiresApprovalAttribute"/>), else null.</summary>
    public RequiresApprovalAttribute? RequiredApproval { get; init; }

    /// <summary>Arguments marked <see cref="SensitiveAttribute"/>: redacted before logs and the audit trail.</summary>
    public IReadOnlySet<string> SensitiveArguments { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Result properties marked <see cref="SensitiveAttribute"/> on the tool's result type: redacted before the audit trail.</summary>
    public IReadOnlySet<string> SensitiveResultFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
