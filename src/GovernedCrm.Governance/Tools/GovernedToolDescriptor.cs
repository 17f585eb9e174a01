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
    /// <summary>True when the tool changes data.</summary>
    public bool IsWrite => Action is not GovernedAction.Read;
}
