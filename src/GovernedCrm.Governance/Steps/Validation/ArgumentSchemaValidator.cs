using System.Runtime.InteropServices;
using System.Text;

namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>
/// Checks tool arguments against the tool's JSON input schema, strictly: unknown arguments are errors,
/// and so are wrong types, values outside an enum or a range, and oversized strings. It covers the
/// schema keywords tool schemas use (type, enum, required, properties, additionalProperties, items,
/// minimum, maximum, minLength, maxLength, minItems, maxItems); it never lets a call through because a
/// keyword is unknown to it, it only adds no check for that keyword.
/// </summary>
public static class ArgumentSchemaValidator
{
    /// <summary>The largest string accepted anywhere in the arguments, in UTF-8 bytes (64 KiB).</summary>
    public const int MaxStringBytes = 64 * 1024;

    private const int MaxDepth = 32;

    /// <summary>Validates <paramref name="arguments"/> against <paramref name="schema"/>.</summary>
    /// <param name="schema">The tool's input schema (an object schema).</param>
    /// <param name="arguments">The call's arguments.</param>
    /// <returns>The first problem found, or null when the arguments are valid.</returns>
    public static ArgumentValidationError? Validate(JsonElement schema, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);

        var properties = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : default;

        foreach (var (name, value) in arguments)
        {
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out var propertySchema))
            {
                var valid = properties.ValueKind == JsonValueKind.Object
                    ? string.Join(", ", properties.EnumerateObject().Select(x => x.Name))
                    : "(none)";
                return new ArgumentValidationError(Shorten(name), $"Unknown argument '{Shorten(name)}'. Valid arguments: {valid}.");
            }

            var error = ValidateValue(propertySchema, value, name, 0);
            if (error is not null)
            {
                return error;
            }
        }

        foreach (var required in RequiredNames(schema))
        {
            if (!HasArgument(arguments, required))
            {
                var name = required.GetString()!;
                return new ArgumentValidationError(name, $"Missing required argument '{name}'.");
            }
        }

        return null;
    }

    private static ArgumentValidationError? ValidateValue(JsonElement schema, JsonElement value, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is nested too deeply (more than {MaxDepth} levels).");
        }

        // The raw (escaped) text is never shorter than the text it stands for: only a long one needs decoding.
        if (value.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(value).Length > MaxStringBytes
            && Encoding.UTF8.GetByteCount(value.GetString()!) > MaxStringBytes)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is too long: strings are limited to {MaxStringBytes / 1024} KiB.");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            // "true" or an empty schema: anything goes, but nested strings still have the size limit.
            return ValidateNestedSizes(value, path, depth);
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            return new ArgumentValidationError(path, $"Argument '{path}' must be {DescribeType(type)}, not {Describe(value)}.");
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array && !IsOneOf(allowed, value))
        {
            var options = string.Join(", ", allowed.EnumerateArray().Where(a => a.ValueKind != JsonValueKind.Null).Select(a => a.ToString()));
            return new ArgumentValidationError(path, $"Argument '{path}' is {Describe(value)}, which is not one of: {options}.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return ValidateNumber(schema, value, path);
            case JsonValueKind.String:
                return ValidateString(schema, value, path);
            case JsonValueKind.Array:
                return ValidateArray(schema, value, path, depth);
            case JsonValueKind.Object:
                return ValidateObject(schema, value, path, depth);
            default:
                return null;
        }
    }

    private static ArgumentValidationError? ValidateNumber(JsonElement schema, JsonElement value, string path)
    {
        var number = value.GetDouble();
        if (TryGetNumber(schema, "minimum", out var min) && number < min)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is {value}, below the minimum {min.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (TryGetNumber(schema, "maximum", out var max) && number > max)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is {value}, above the maximum {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (TryGetNumber(schema, "exclusiveMinimum", out var xmin) && number <= xmin)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' must be greater than {xmin.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (TryGetNumber(schema, "exclusiveMaximum", out var xmax) && number >= xmax)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' must be less than {xmax.ToString(CultureInfo.InvariantCulture)}.");
        }

        return null;
    }

    private static ArgumentValidationError? ValidateString(JsonElement schema, JsonElement value, string path)
    {
        var length = new StringInfo(value.GetString()!).LengthInTextElements;
        if (TryGetNumber(schema, "minLength", out var min) && length < min)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is too short: at least {min} characters.");
        }

        if (TryGetNumber(schema, "maxLength", out var max) && length > max)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' is too long: at most {max} characters.");
        }

        return null;
    }

    private static ArgumentValidationError? ValidateArray(JsonElement schema, JsonElement value, string path, int depth)
    {
        var count = value.GetArrayLength();
        if (TryGetNumber(schema, "minItems", out var min) && count < min)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' needs at least {min} items.");
        }

        if (TryGetNumber(schema, "maxItems", out var max) && count > max)
        {
            return new ArgumentValidationError(path, $"Argument '{path}' has {count} items; at most {max} are allowed.");
        }

        var items = schema.TryGetProperty("items", out var i) ? i : default;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var error = ValidateValue(items, item, $"{path}[{index++}]", depth + 1);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static ArgumentValidationError? ValidateObject(JsonElement schema, JsonElement value, string path, int depth)
    {
        var hasSchema = schema.ValueKind == JsonValueKind.Object;
        var properties = hasSchema && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var additional = hasSchema && schema.TryGetProperty("additionalProperties", out var a) ? a : default;

        foreach (var member in value.EnumerateObject())
        {
            var memberPath = $"{path}.{Shorten(member.Name)}";
            if (Encoding.UTF8.GetByteCount(member.Name) > MaxStringBytes)
            {
                return new ArgumentValidationError(path, $"Argument '{path}' has a property name longer than {MaxStringBytes / 1024} KiB.");
            }

            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var memberSchema))
            {
                var error = ValidateValue(memberSchema, member.Value, memberPath, depth + 1);
                if (error is not null)
                {
                    return error;
                }
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                return new ArgumentValidationError(memberPath, $"Argument '{path}' has an unknown property '{Shorten(member.Name)}'.");
            }
            else
            {
                var error = ValidateValue(additional, member.Value, memberPath, depth + 1);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        foreach (var required in RequiredNames(schema))
        {
            if (!HasProperty(value, required))
            {
                var name = required.GetString()!;
                return new ArgumentValidationError($"{path}.{name}", $"Argument '{path}' is missing its required property '{name}'.");
            }
        }

        return null;
    }

    private static ArgumentValidationError? ValidateNestedSizes(JsonElement value, string path, int depth) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select((item, i) => ValidateValue(default, item, $"{path}[{i}]", depth + 1)).FirstOrDefault(e => e is not null),
        JsonValueKind.Object => ValidateObject(default, value, path, depth),
        _ => null,
    };

    // The schema's required names as JSON strings: compared where they are, without decoding each into a string per call.
    private static RequiredNameList RequiredNames(JsonElement schema) =>
        new(schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array ? r : default);

    private static bool HasArgument(IReadOnlyDictionary<string, JsonElement> arguments, JsonElement name)
    {
        foreach (var (key, value) in arguments)
        {
            if (value.ValueKind != JsonValueKind.Undefined && name.ValueEquals(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasProperty(JsonElement value, JsonElement name)
    {
        // The name's text as written in the schema; one with escapes is decoded (schemas generated from code have none).
        var raw = JsonMarshal.GetRawUtf8Value(name);
        var text = raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
        return text.Contains((byte)'\\') ? value.TryGetProperty(name.GetString()!, out _) : value.TryGetProperty(text, out _);
    }

    private static bool IsOneOf(JsonElement allowed, JsonElement value)
    {
        foreach (var option in allowed.EnumerateArray())
        {
            if (JsonElement.DeepEquals(option, value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The string items of a schema's "required" array, enumerated without allocating.</summary>
    private readonly struct RequiredNameList(JsonElement required)
    {
        public Enumerator GetEnumerator() => new(required.ValueKind == JsonValueKind.Array ? required.EnumerateArray() : default);

        public struct Enumerator(JsonElement.ArrayEnumerator items)
        {
            private JsonElement.ArrayEnumerator _items = items;

            public readonly JsonElement Current => _items.Current;

            public bool MoveNext()
            {
                while (_items.MoveNext())
                {
                    if (_items.Current.ValueKind == JsonValueKind.String)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    private static bool MatchesType(JsonElement type, JsonElement value) => type.ValueKind switch
    {
        JsonValueKind.String => MatchesType(type.GetString()!, value),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && MatchesType(t.GetString()!, value)),
        _ => true,
    };

    private static bool MatchesType(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDouble(out var d) && Math.Abs(d % 1) == 0 && Math.Abs(d) < 9.007199254740992E15);

    private static bool TryGetNumber(JsonElement schema, string keyword, out double number)
    {
        if (schema.TryGetProperty(keyword, out var element) && element.ValueKind == JsonValueKind.Number)
        {
            number = element.GetDouble();
            return true;
        }

        number = 0;
        return false;
    }

    private static string DescribeType(JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => Article(type.GetString()!),
        JsonValueKind.Array => string.Join(" or ", type.EnumerateArray().Select(t => Article(t.GetString() ?? "?"))),
        _ => "of the declared type",
    };

    private static string Article(string type) => type switch
    {
        "integer" => "an integer",
        "object" => "an object",
        "array" => "an array",
        "null" => "null",
        _ => $"a {type}",
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string '{Shorten(value.GetString()!)}'",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    /// <summary>Shortens a caller-supplied string before it goes into an error message.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, cut to 40 characters with an ellipsis.</returns>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MalformedJson.Shorten(text, 40);
    }
}
