using System.Text.Json;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Converts a remote CRM's field values (JSON strings, numbers or null) to the schema's typed values, and typed values
/// to HubSpot's all-strings form. A value the CRM holds that does not fit the type is kept as its text, never dropped.
/// </summary>
internal static class RemoteCrmValues
{
    public static object? FromJson(CrmPropertyDefinition property, JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        string? text;
        if (value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>();
        }
        else if (value.GetValueKind() == JsonValueKind.Number)
        {
            text = value.ToJsonString();
        }
        else if (value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            text = value.ToJsonString();
        }
        else
        {
            return null;
        }

        return FromText(property, text);
    }

    public static object? FromText(CrmPropertyDefinition property, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return property.Kind switch
        {
            CrmPropertyKind.Money when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var money) => money,
            CrmPropertyKind.WholeNumber when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole)
                && whole == decimal.Truncate(whole) && whole is >= long.MinValue and <= long.MaxValue => (long)whole,
            CrmPropertyKind.Date => ParseDate(text) ?? (object)text,
            _ => text,
        };
    }

    /// <summary>HubSpot's form: every value a string, dates yyyy-MM-dd, and "" to clear.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Unsupported CRM value type {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>A date from yyyy-MM-dd or a date-time (HubSpot sends midnight UTC as an ISO date-time).</summary>
    private static DateOnly? ParseDate(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? DateOnly.FromDateTime(time.UtcDateTime)
            : null;
    }

    /// <summary>Parses a CRM timestamp: ISO 8601, including Salesforce's "+0000" offset without a colon.</summary>
    public static DateTimeOffset ParseTimestamp(string? text)
    {
        if (text is null)
        {
            return DateTimeOffset.UnixEpoch;
        }

        if (text.Length > 5 && (text[^5] is '+' or '-') && text[^4..].All(char.IsAsciiDigit))
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
