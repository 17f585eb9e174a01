namespace GovernedCrm.Crm.Remote;

/// <summary>
/// How the contract's properties of one object type map to a remote CRM's field names. A contract property the CRM
/// has no field for is listed with the reason, and any read or write of it is refused with <c>crm.unknown_property</c>.
/// </summary>
internal sealed class RemotePropertyMap
{
    private readonly Dictionary<string, string> _toWire;
    private readonly Dictionary<string, string> _unmapped;

    public RemotePropertyMap(CrmObjectType type, string provider, IReadOnlyDictionary<string, string> toWire, IReadOnlyDictionary<string, string> unmapped)
    {
        Type = type;
        Provider = provider;
        Schema = CrmSchema.For(type);
        _toWire = new Dictionary<string, string>(toWire, StringComparer.Ordinal);
        _unmapped = new Dictionary<string, string>(unmapped, StringComparer.Ordinal);
        Mapped = Schema.Properties.Where(p => _toWire.ContainsKey(p.Name)).ToList();
    }

    public CrmObjectType Type { get; }

    public string Provider { get; }

    public CrmObjectSchema Schema { get; }

    /// <summary>The contract properties this CRM has a field for, in schema order.</summary>
    public IReadOnlyList<CrmPropertyDefinition> Mapped { get; }

    /// <summary>The CRM field names of every mapped property.</summary>
    public IEnumerable<string> WireNames => Mapped.Select(p => _toWire[p.Name]);

    public string WireName(CrmPropertyDefinition property) => _toWire[property.Name];

    /// <summary>The definition of a contract property this CRM can store, or <c>crm.unknown_property</c>.</summary>
    public CrmPropertyDefinition Get(string name)
    {
        var definition = Schema.Get(name);
        if (_unmapped.TryGetValue(name, out var reason))
        {
            throw new CrmException(CrmErrorCodes.UnknownProperty,
                $"Property '{name}' of {Type.ToName()} is not available with {Provider}: {reason} Available properties: {string.Join(", ", Mapped.Select(p => p.Name))}.");
        }

        return definition;
    }
}
