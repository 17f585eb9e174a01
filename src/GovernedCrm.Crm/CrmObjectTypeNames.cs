namespace GovernedCrm.Crm;

/// <summary>Converts object types to and from their wire names ("contact", "company", "deal").</summary>
public static class CrmObjectTypeNames
{
    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = ["contact", "company", "deal"];

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    /// <param name="type">The object type.</param>
    /// <returns>Its wire name.</returns>
    public static string ToName(this CrmObjectType type) => type switch
    {
        CrmObjectType.Contact => "contact",
        CrmObjectType.Company => "company",
        CrmObjectType.Deal => "deal",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown object type."),
    };

    /// <summary>Parses a wire name.</summary>
    /// <param name="name">The wire name.</param>
    /// <returns>The object type.</returns>
    /// <exception cref="CrmException">The name is not an object type.</exception>
    public static CrmObjectType Parse(string? name) => name switch
    {
        "contact" => CrmObjectType.Contact,
        "company" => CrmObjectType.Company,
        "deal" => CrmObjectType.Deal,
        _ => throw new CrmException(CrmErrorCodes.UnknownObjectType,
            $"Unknown object type '{CrmText.Shorten(name ?? "")}'. Valid object types: {string.Join(", ", All)}."),
    };

    /// <summary>Parses a wire name without throwing.</summary>
    /// <param name="name">The wire name.</param>
    /// <param name="type">The object type, when the name is one.</param>
    /// <returns>True when the name is an object type.</returns>
    public static bool TryParse(string? name, out CrmObjectType type)
    {
        var known = name is "contact" or "company" or "deal";
        type = known ? Parse(name) : default;
        return known;
    }
}
