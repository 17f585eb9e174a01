namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>
/// One value inside a condition, and the comparison semantics of the language: numbers compare numerically;
/// a numeric string compared with a number is compared as a number; strings compare ordinally (== is
/// case-sensitive); booleans only compare for equality; null equals only null; any ordering comparison
/// involving null, a boolean, an object or array, or mismatched types is false.
/// </summary>
internal readonly struct ConditionValue
{
    private readonly double _number;
    private readonly string? _text;

    private ConditionValue(ConditionValueKind kind, double number, string? text)
    {
        Kind = kind;
        _number = number;
        _text = text;
    }

    /// <summary>The null value.</summary>
    public static ConditionValue Null => default;

    /// <summary>true.</summary>
    public static ConditionValue True { get; } = new(ConditionValueKind.Bool, 1, null);

    /// <summary>false.</summary>
    public static ConditionValue False { get; } = new(ConditionValueKind.Bool, 0, null);

    /// <summary>A JSON object or array.</summary>
    public static ConditionValue Other { get; } = new(ConditionValueKind.Other, 0, null);

    /// <summary>The value's kind.</summary>
    public ConditionValueKind Kind { get; }

    /// <summary>True only for the boolean true: the truth of a condition.</summary>
    public bool IsTrue => Kind == ConditionValueKind.Bool && _number != 0;

    /// <summary>A boolean.</summary>
    public static ConditionValue FromBool(bool value) => value ? True : False;

    /// <summary>A number.</summary>
    public static ConditionValue FromNumber(double value) => new(ConditionValueKind.Number, value, null);

    /// <summary>A string.</summary>
    public static ConditionValue FromString(string value) => new(ConditionValueKind.String, 0, value);

    /// <summary>The condition value of a JSON value.</summary>
    public static ConditionValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => FromString(element.GetString()!),
        JsonValueKind.Number => element.TryGetDouble(out var number) && double.IsFinite(number) ? FromNumber(number) : Other,
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Object or JsonValueKind.Array => Other,
        _ => Null,
    };

    /// <summary>The == of the language.</summary>
    public static bool AreEqual(ConditionValue left, ConditionValue right)
    {
        if (left.Kind == ConditionValueKind.Null || right.Kind == ConditionValueKind.Null)
        {
            return left.Kind == right.Kind;
        }

        if (TryNumbers(left, right, out var a, out var b))
        {
            return a == b;
        }

        return (left.Kind, right.Kind) switch
        {
            (ConditionValueKind.String, ConditionValueKind.String) => string.Equals(left._text, right._text, StringComparison.Ordinal),
            (ConditionValueKind.Bool, ConditionValueKind.Bool) => left._number == right._number,
            _ => false,
        };
    }

    /// <summary>
    /// Orders two values: negative, zero or positive, or null when they are not ordered (null, booleans,
    /// objects, mismatched types), which makes every ordering comparison false.
    /// </summary>
    public static int? Order(ConditionValue left, ConditionValue right)
    {
        if (TryNumbers(left, right, out var a, out var b))
        {
            return a.CompareTo(b);
        }

        return left.Kind == ConditionValueKind.String && right.Kind == ConditionValueKind.String
            ? string.CompareOrdinal(left._text, right._text)
            : null;
    }

    /// <summary>
    /// Reads a numeric string: an optional sign, digits with an optional decimal point and exponent. No
    /// spaces, no thousands separators, nothing that is not finite.
    /// </summary>
    public static bool TryParseNumber(string text, out double number) =>
        double.TryParse(
            text,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture,
            out number) && double.IsFinite(number);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ConditionValueKind.Null => "null",
        ConditionValueKind.Bool => IsTrue ? "true" : "false",
        ConditionValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        ConditionValueKind.String => "'" + _text + "'",
        _ => "(object)",
    };

    // Both numbers, or a number and a numeric string (either side).
    private static bool TryNumbers(ConditionValue left, ConditionValue right, out double a, out double b)
    {
        a = left._number;
        b = right._number;
        return (left.Kind, right.Kind) switch
        {
            (ConditionValueKind.Number, ConditionValueKind.Number) => true,
            (ConditionValueKind.Number, ConditionValueKind.String) => TryParseNumber(right._text!, out b),
            (ConditionValueKind.String, ConditionValueKind.Number) => TryParseNumber(left._text!, out a),
            _ => false,
        };
    }
}
