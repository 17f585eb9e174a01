using System.Text;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>
/// A parser of ArcSight CEF lines for the tests: seven header fields split at unescaped <c>|</c> (<c>\|</c> and
/// <c>\\</c> unescaped), then the extension as <c>key=value</c> pairs, a value running to the space before the next
/// unescaped <c>=</c>'s key, with <c>\=</c>, <c>\\</c>, <c>\n</c> and <c>\r</c> unescaped.
/// </summary>
internal sealed record CefLine(IReadOnlyList<string> Header, IReadOnlyDictionary<string, string> Extension)
{
    public string this[string key] => Extension[key];

    public static CefLine Parse(string line)
    {
        if (!line.StartsWith("CEF:", StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal))
        {
            throw new FormatException($"not one CEF line: {line}");
        }

        var header = new List<string>();
        var field = new StringBuilder();
        var i = 4;
        while (header.Count < 7)
        {
            if (i >= line.Length)
            {
                throw new FormatException($"fewer than 8 header fields: {line}");
            }

            var c = line[i++];
            if (c == '\\' && i < line.Length && line[i] is '|' or '\\')
            {
                field.Append(line[i++]);
            }
            else if (c == '|')
            {
                header.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        return new CefLine(header, ParseExtension(line[i..]));
    }

    private static Dictionary<string, string> ParseExtension(string text)
    {
        // The unescaped '=' signs: each one ends a key, which starts after the space before it (or at the start).
        var equals = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '=')
            {
                equals.Add(i);
            }
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var keyStart = 0;
        for (var n = 0; n < equals.Count; n++)
        {
            var key = text[keyStart..equals[n]];
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new FormatException($"a bad extension key '{key}' in: {text}");
            }

            var valueEnd = n + 1 < equals.Count ? text.LastIndexOf(' ', equals[n + 1]) : text.Length;
            pairs.Add(key, Unescape(text[(equals[n] + 1)..valueEnd]));
            keyStart = valueEnd + 1;
        }

        return pairs;
    }

    private static string Unescape(string value)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                result.Append(value[++i] switch { 'n' => '\n', 'r' => '\r', var other => other });
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }
}
