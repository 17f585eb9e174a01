namespace GovernedCrm.Governance.Tools;

/// <summary>
/// Declares a tool method as governed: every call to it runs through the governance pipeline
/// (validation, policy, approval, audit) before the method body runs.
/// </summary>
/// <remarks>
/// Either <see cref="ObjectType"/> (a fixed object type, e.g. "deal") or <see cref="ObjectTypeArgument"/>
/// (the name of the argument that carries it, e.g. "objectType") must be set.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class GovernedToolAttribute : Attribute
{
    /// <summary>What the tool does to its target system.</summary>
    public GovernedAction Action { get; set; }

    /// <summary>The fixed object type the tool acts on, when it always acts on one type.</summary>
    public string? ObjectType { get; set; }

    /// <summary>The argument whose value names the object type, when the caller chooses it.</summary>
    public string? ObjectTypeArgument { get; set; }

    /// <summary>The argument that carries the record id, when the tool targets one record.</summary>
    public string? RecordIdArgument { get; set; }

    /// <summary>The argument whose object holds the properties a write sets; "properties" unless named otherwise.</summary>
    public string PropertiesArgument { get; set; } = GovernedToolDescriptor.DefaultPropertiesArgument;

    /// <summary>The system the tool acts on; "crm" unless the tool reaches elsewhere.</summary>
    public string TargetSystem { get; set; } = "crm";
}
