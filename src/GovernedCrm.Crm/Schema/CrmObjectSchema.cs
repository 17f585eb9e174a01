namespace GovernedCrm.Crm.Schema;

/// <summary>The properties of one object type.</summary>
public sealed class CrmObjectSchema
{
    private readonly Dictionary<string, CrmPropertyDefinition> _byName;

    /// <summary>Creates the schema.</summary>
    /// <param name="type">The object type.</param>
    /// <param name="properties">Its properties, in display order.</param>
    /// <param name="requiredOnCreate">Properties a new record must have.</param>
    public CrmObjectSchema(CrmObjectType type, IReadOnlyList<CrmPropertyDefinition> properties, IReadOnlyList<string> requiredOnCreate)
    {
        Type = type;
        Properties = properties;
        RequiredOnCreate = requiredOnCreate;
        _byName = properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>The object type.</summary>
    public CrmObjectType Type { get; }

    /// <summary>The properties, in display order.</summary>
    public IReadOnlyList<CrmPropertyDefinition> Properties { get; }

    /// <summary>Properties a new record must have.</summary>
    public IReadOnlyList<string> RequiredOnCreate { get; }

    /// <summary>The property names, comma separated, for error messages.</summary>
    public string PropertyList => string.Join(", ", Properties.Select(p => p.Name));

    /// <summary>Finds a property by exact name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="definition">The definition, when found.</param>
    /// <returns>True when the object type has the property.</returns>
    public bool TryGet(string name, out CrmPropertyDefinition definition) => _byName.TryGetValue(name, out definition!);

    /// <summary>Finds a property by exact name or throws <c>crm.unknown_property</c> listing the valid ones.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The definition.</returns>
    public CrmPropertyDefinition Get(string name) =>
        TryGet(name, out var definition)
            ? definition
            : throw new CrmException(CrmErrorCodes.UnknownProperty,
                $"Unknown property '{CrmText.Shorten(name)}' for {Type.ToName()}. Valid properties: {PropertyList}.");
}
