namespace GovernedCrm.Crm.Embedded;

/// <summary>Converts typed property values to and from their SQLite storage form.</summary>
internal static class EmbeddedCrmValues
{
    public static object? ToStorage(CrmPropertyDefinition property, object? value) => value switch
    {
        null => null,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s when property.Kind == CrmPropertyKind.CompanyReference => RecordIds.Parse(s),
        _ => value,
    };

    public static object? FromStorage(CrmPropertyDefinition property, object? stored) => stored switch
    {
        null or DBNull => null,
        _ => property.Kind switch
        {
            CrmPropertyKind.Money => decimal.Parse(Convert.ToString(stored, CultureInfo.InvariantCulture)!, NumberStyles.Number, CultureInfo.InvariantCulture),
            CrmPropertyKind.WholeNumber => Convert.ToInt64(stored, CultureInfo.InvariantCulture),
            CrmPropertyKind.Date => DateOnly.ParseExact(Convert.ToString(stored, CultureInfo.InvariantCulture)!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            CrmPropertyKind.CompanyReference => Convert.ToString(stored, CultureInfo.InvariantCulture),
            _ => Convert.ToString(stored, CultureInfo.InvariantCulture),
        },
    };

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(object stored) =>
        DateTimeOffset.Parse(Convert.ToString(stored, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
