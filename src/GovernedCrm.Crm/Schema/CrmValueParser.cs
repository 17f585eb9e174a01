using System.Text.Json;
using System.Text.RegularExpressions;

namespace GovernedCrm.Crm.Schema;

/// <summary>
/// Turns JSON property values from a tool call into typed, validated values, or throws a
/// <see cref="CrmException"/> that names the property and what is valid. Nothing is written
/// unless every property of a request parses.
/// </summary>
public static partial class CrmValueParser
{
    /// <summary>Parses every property of a write request.</summary>
    /// <param name="type">The object type.</param>
    /// <param name="properties">Property values as JSON, by name.</param>
    /// <returns>Typed values by name.</returns>
    public static IReadOnlyDictionary<string, object?> ParseAll(CrmObjectType type, IReadOnlyDictionary<string, JsonElement> properties) =>
        ParseAll(type, properties, CrmRecordIdFormat.Numeric);

    /// <summary>Parses every property of a write request for a CRM whose record ids have the given form.</summary>
    /// <param name="type">The object type.</param>
    /// <param name="properties">Property values as JSON, by name.</param>
    /// <param name="idFormat">The form of the CRM's record ids (checks <c>companyId</c>).</param>
    /// <returns>Typed values by name.</returns>
    public static IReadOnlyDictionary<string, object?> ParseAll(
        CrmObjectType type, IReadOnlyDictionary<string, JsonElement> properties, CrmRecordIdFormat idFormat)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(idFormat);
        var schema = CrmSchema.For(type);
        if (properties.Count == 0)
        {
            throw new CrmException(CrmErrorCodes.MissingProperty,
                $"No properties to write. Valid properties for {type.ToName()}: {schema.PropertyList}.");
        }

        var parsed = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            parsed[name] = Parse(schema.Get(name), value, idFormat);
        }

        return parsed;
    }

    /// <summary>Parses one property value.</summary>
    /// <param name="property">The property.</param>
    /// <param name="value">The JSON value; null clears the property.</param>
    /// <returns>The typed value: string, decimal, long, DateOnly, or null.</returns>
    public static object? Parse(CrmPropertyDefinition property, JsonElement value) => Parse(property, value, CrmRecordIdFormat.Numeric);

    /// <summary>Parses one property value for a CRM whose record ids have the given form.</summary>
    /// <param name="property">The property.</param>
    /// <param name="value">The JSON value; null clears the property.</param>
    /// <param name="idFormat">The form of the CRM's record ids (checks company references).</param>
    /// <returns>The typed value: string, decimal, long, DateOnly, or null.</returns>
    public static object? Parse(CrmPropertyDefinition property, JsonElement value, CrmRecordIdFormat idFormat)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(idFormat);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return property.Kind switch
        {
            CrmPropertyKind.Text => Text(property, value),
            CrmPropertyKind.Email => Email(property, value),
            CrmPropertyKind.Phone => Phone(property, value),
            CrmPropertyKind.Enumeration => Enumeration(property, value),
            CrmPropertyKind.WholeNumber => Integer(property, value),
            CrmPropertyKind.Money => DecimalValue(property, value),
            CrmPropertyKind.Date => Date(property, value),
            CrmPropertyKind.CompanyReference => CompanyReference(property, value, idFormat),
            _ => throw Invalid(property, value, "a supported value"),
        };
    }

    private static string Text(CrmPropertyDefinition property, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(property, value, "a string");
        }

        var text = value.GetString()!;
        if (text.Length > property.MaxLength)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue,
                $"Property '{property.Name}' is too long: {text.Length} characters, at most {property.MaxLength}.");
        }

        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"Property '{property.Name}' contains control characters.");
        }

        return text;
    }

    private static string Email(CrmPropertyDefinition property, JsonElement value)
    {
        var text = Text(property, value).Trim();
        if (!EmailPattern().IsMatch(text))
        {
            throw new CrmException(CrmErrorCodes.InvalidValue,
                $"Property '{property.Name}' is not a valid email address: '{CrmText.Shorten(text)}' (expected name@domain.tld).");
        }

        return text.ToLowerInvariant();
    }

    private static string Phone(CrmPropertyDefinition property, JsonElement value)
    {
        var text = Text(property, value).Trim();
        if (!PhonePattern().IsMatch(text))
        {
            throw new CrmException(CrmErrorCodes.InvalidValue,
                $"Property '{property.Name}' is not a valid phone number: '{CrmText.Shorten(text)}' (digits, spaces and + ( ) - . only).");
        }

        return text;
    }

    private static string Enumeration(CrmPropertyDefinition property, JsonElement value)
    {
        var allowed = property.AllowedValues ?? [];
        if (value.ValueKind != JsonValueKind.String || !allowed.Contains(value.GetString()!, StringComparer.Ordinal))
        {
            throw new CrmException(CrmErrorCodes.InvalidValue,
                $"Property '{property.Name}' is {Describe(value)}, which is not one of: {string.Join(", ", allowed)}.");
        }

        return value.GetString()!;
    }

    private static long Integer(CrmPropertyDefinition property, JsonElement value)
    {
        long number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            number = n;
        }
        else if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
        {
            number = s;
        }
        else
        {
            throw Invalid(property, value, "a whole number");
        }

        CheckRange(property, number);
        return number;
    }

    private static decimal DecimalValue(CrmPropertyDefinition property, JsonElement value)
    {
        decimal number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var n))
        {
            number = n;
        }
        else if (value.ValueKind == JsonValueKind.String
            && decimal.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s))
        {
            number = s;
        }
        else
        {
            throw Invalid(property, value, "a decimal number such as 75000 or 1234.50");
        }

        if (decimal.Round(number, 2) != number)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"Property '{property.Name}' has more than 2 decimal places: {number.ToString(CultureInfo.InvariantCulture)}.");
        }

        CheckRange(property, number);
        return number;
    }

    private static DateOnly Date(CrmPropertyDefinition property, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String
            || !DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw Invalid(property, value, "a date in the form yyyy-MM-dd");
        }

        return date;
    }

    private static string CompanyReference(CrmPropertyDefinition property, JsonElement value, CrmRecordIdFormat idFormat)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw Invalid(property, value, "a company id"),
        };

        if (!idFormat.IsWellFormed(text))
        {
            throw Invalid(property, value, idFormat == CrmRecordIdFormat.Numeric ? "a company id (digits)" : $"a company id ({idFormat.Description})");
        }

        return text;
    }

    private static void CheckRange(CrmPropertyDefinition property, decimal number)
    {
        if (number < property.Minimum || number > property.Maximum)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue,
                $"Property '{property.Name}' is {number.ToString(CultureInfo.InvariantCulture)}, outside {property.Minimum?.ToString(CultureInfo.InvariantCulture)} to {property.Maximum?.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static CrmException Invalid(CrmPropertyDefinition property, JsonElement value, string expected) =>
        new(CrmErrorCodes.InvalidValue, $"Property '{property.Name}' must be {expected}, not {Describe(value)}.");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{CrmText.Shorten(value.GetString()!)}'",
        JsonValueKind.Number => CrmText.Shorten(value.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    // Deliberately simpler than RFC 5322: one @, no spaces or quotes, a dotted domain with a 2+ letter TLD.
    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9 ().-]{3,40}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex PhonePattern();
}
