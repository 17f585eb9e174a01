using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GovernedCrm.Governance.Tests.Policy.Reference;

/// <summary>
/// The condition language's value semantics, written again from the documentation for the reference
/// evaluator: values are null, bool, double, string or <see cref="Other"/> (a JSON object or array).
/// </summary>
internal static partial class RefValues
{
    public static readonly object Other = new();

    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => Other,
    };

    public static bool Equal(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (AsNumbers(a, b) is var (x, y))
        {
            return x == y;
        }

        return (a, b) switch
        {
            (string s, string t) => string.Equals(s, t, StringComparison.Ordinal),
            (bool p, bool q) => p == q,
            _ => false,
        };
    }

    /// <summary>Negative, zero, positive; or null when the values are not ordered (so every ordering comparison is false).</summary>
    public static int? Compare(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return null;
        }

        if (AsNumbers(a, b) is var (x, y))
        {
            return x.CompareTo(y);
        }

        return a is string s && b is string t ? string.CompareOrdinal(s, t) : null;
    }

    private static (double, double)? AsNumbers(object a, object b) => (a, b) switch
    {
        (double x, double y) => (x, y),
        (double x, string t) when Numeric(t) is { } y => (x, y),
        (string s, double y) when Numeric(s) is { } x => (x, y),
        _ => null,
    };

    private static double? Numeric(string text) =>
        NumberPattern().IsMatch(text) && double.Parse(text, CultureInfo.InvariantCulture) is var value && double.IsFinite(value) ? value : null;

    [GeneratedRegex(@"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
