namespace GovernedCrm.Crm.Schema;

/// <summary>Writes typed CRM values as JSON: decimals and integers as numbers, dates as yyyy-MM-dd.</summary>
public static class CrmValueJson
{
    /// <summary>The JSON form of a typed value.</summary>
    /// <param name="value">A string, decimal, long, DateOnly or null.</param>
    /// <returns>The JSON node, or null.</returns>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        decimal d => JsonValue.Create(d),
        long l => JsonValue.Create(l),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Unsupported CRM value type {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>The JSON form of a record: id, objectType, version, timestamps and properties.</summary>
    /// <param name="record">The record.</param>
    /// <param name="only">When set, only these properties.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject ToJson(CrmRecord record, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var properties = new JsonObject();
        foreach (var (name, value) in record.Properties)
        {
            if (only is null || only.Contains(name))
            {
                properties[name] = ToNode(value);
            }
        }

        return new JsonObject
        {
            ["id"] = record.Id,
            ["objectType"] = record.ObjectType.ToName(),
            ["version"] = record.Version,
            ["createdAt"] = record.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["updatedAt"] = record.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["properties"] = properties,
        };
    }
}
