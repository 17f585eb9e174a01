using System.Text.RegularExpressions;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>Reads the policy file's <c>limits</c> section.</summary>
internal static partial class LimitsDefinitionReader
{
    /// <summary>The longest writes_per_user window: longer windows would keep a day's writes per user in memory.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(24);

    private static readonly string[] Keys = ["writes_per_user", "records_per_call", "distinct_records_per_session"];
    private static readonly string[] RateKeys = ["max", "window"];

    /// <summary>Reads the section; every limit is optional.</summary>
    public static (WriteRateLimit? WritesPerUser, int? RecordsPerCall, int? DistinctRecordsPerSession) Read(YamlNode? node, PolicyErrorList errors)
    {
        if (node is null || YamlMappingView.Open(node, "limits", Keys, errors) is not { } view)
        {
            return (null, null, null);
        }

        var rate = view.Get("writes_per_user") is { } rateNode ? ReadRate(rateNode, errors) : null;
        var records = view.Get("records_per_call") is { } recordsNode ? YamlValues.NonNegativeInteger(recordsNode, "limits.records_per_call", errors) : null;
        var distinct = view.Get("distinct_records_per_session") is { } distinctNode ? YamlValues.NonNegativeInteger(distinctNode, "limits.distinct_records_per_session", errors) : null;
        return (rate, records, distinct);
    }

    /// <summary>Parses a window: a whole number followed by s, m or h.</summary>
    public static TimeSpan? ParseWindow(string text)
    {
        var match = WindowPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count == 0)
        {
            return null;
        }

        var window = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(count),
            "m" => TimeSpan.FromMinutes(count),
            _ => TimeSpan.FromHours(Math.Min(count, 100_000)),
        };
        return window;
    }

    private static WriteRateLimit? ReadRate(YamlNode node, PolicyErrorList errors)
    {
        const string What = "limits.writes_per_user";
        var view = YamlMappingView.Open(node, What, RateKeys, errors);
        if (view is null)
        {
            return null;
        }

        int? max = null;
        if (view.Get("max") is { } maxNode)
        {
            max = YamlValues.NonNegativeInteger(maxNode, What + ".max", errors);
        }
        else
        {
            errors.Add(view.Mapping, $"{What} needs max, e.g. {{ max: 60, window: 60s }}");
        }

        TimeSpan? window = null;
        if (view.Get("window") is { } windowNode)
        {
            var text = YamlValues.Text(windowNode, What + ".window", errors);
            window = text is null ? null : ParseWindow(text.Value);
            if (text is not null && window is null)
            {
                errors.Add(windowNode, $"bad window '{text.Value}' in {What}; write a whole number above 0 followed by s, m or h, e.g. 60s, 5m or 1h");
            }
            else if (window > MaxWindow)
            {
                errors.Add(windowNode, $"the window '{text!.Value}' in {What} is too long; use at most 24h");
                window = null;
            }
        }
        else
        {
            errors.Add(view.Mapping, $"{What} needs window, e.g. {{ max: 60, window: 60s }}");
        }

        return max is null || window is null ? null : new WriteRateLimit(max.Value, window.Value);
    }

    [GeneratedRegex("^([0-9]{1,9})([smh])$", RegexOptions.CultureInvariant)]
    private static partial Regex WindowPattern();
}
