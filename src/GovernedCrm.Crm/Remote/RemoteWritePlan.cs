namespace GovernedCrm.Crm.Remote;

/// <summary>
/// The checks every remote write makes before calling the CRM, the same as the embedded CRM's: every property known
/// and available at this CRM, at least one, a required property never cleared, company references in the CRM's id
/// form, and (for updates) the version the caller expects.
/// </summary>
internal static class RemoteWritePlan
{
    public static IReadOnlyList<CrmPropertyDefinition> CheckUpdate(
        RemotePropertyMap map, CrmRecordIdFormat idFormat, IReadOnlyDictionary<string, object?> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var definitions = Check(map, idFormat, changes);
        if (definitions.Count == 0)
        {
            throw new CrmException(CrmErrorCodes.MissingProperty,
                $"No properties to write. Valid properties for {map.Type.ToName()}: {string.Join(", ", map.Mapped.Select(p => p.Name))}.");
        }

        foreach (var required in map.Schema.RequiredOnCreate.Where(r => changes.TryGetValue(r, out var v) && v is null))
        {
            throw new CrmException(CrmErrorCodes.MissingProperty, $"Property '{required}' cannot be cleared: every {map.Type.ToName()} needs one.");
        }

        return definitions;
    }

    public static IReadOnlyList<CrmPropertyDefinition> CheckCreate(
        RemotePropertyMap map, CrmRecordIdFormat idFormat, IReadOnlyDictionary<string, object?> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var definitions = Check(map, idFormat, properties);
        foreach (var required in map.Schema.RequiredOnCreate.Where(r => properties.GetValueOrDefault(r) is null))
        {
            throw new CrmException(CrmErrorCodes.MissingProperty, $"Property '{required}' is required to create a {map.Type.ToName()}.");
        }

        return definitions;
    }

    /// <summary>Best effort: the remote CRM has no conditional write, so a change between this read and the write is not caught.</summary>
    public static void CheckVersion(CrmRecord before, long? expectedVersion, string provider)
    {
        if (expectedVersion is { } expected && expected != before.Version)
        {
            throw new CrmException(CrmErrorCodes.Conflict,
                $"The {before.ObjectType.ToName()} {before.Id} changed in {provider} since it was read (version {before.Version.ToString(CultureInfo.InvariantCulture)}, expected {expected.ToString(CultureInfo.InvariantCulture)}). Read it again and propose the change anew.");
        }
    }

    public static IReadOnlyList<CrmPropertyDefinition> Changed(CrmRecord before, IReadOnlyList<CrmPropertyDefinition> definitions, IReadOnlyDictionary<string, object?> changes) =>
        definitions.Where(d => !Equals(before.Properties.GetValueOrDefault(d.Name), changes[d.Name])).ToList();

    public static IReadOnlyList<CrmPropertyChange> Changes(IReadOnlyList<CrmPropertyDefinition> changed, CrmRecord? before, CrmRecord after) =>
        changed.Select(d => new CrmPropertyChange(d.Name, before?.Properties.GetValueOrDefault(d.Name), after.Properties.GetValueOrDefault(d.Name))).ToList();

    private static List<CrmPropertyDefinition> Check(RemotePropertyMap map, CrmRecordIdFormat idFormat, IReadOnlyDictionary<string, object?> values)
    {
        var definitions = values.Keys.Select(map.Get).ToList();
        foreach (var reference in definitions.Where(d => d.Kind == CrmPropertyKind.CompanyReference))
        {
            if (values[reference.Name] is string id && !idFormat.IsWellFormed(id))
            {
                throw new CrmException(CrmErrorCodes.InvalidValue,
                    $"Property '{reference.Name}' must be a company id ({idFormat.Description}), not '{CrmText.Shorten(id)}'.");
            }
        }

        return definitions;
    }
}
