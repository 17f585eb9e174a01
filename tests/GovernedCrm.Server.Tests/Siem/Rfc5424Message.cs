using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>
/// A parser of RFC 5424 messages, written from the RFC's ABNF for the tests:
/// <c>&lt;PRI&gt;VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]</c>,
/// SD-ELEMENTs <c>[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]</c> with <c>\"</c>, <c>\\</c> and <c>\]</c> unescaped.
/// </summary>
internal sealed partial record Rfc5424Message(
    int Facility, int Severity, DateTimeOffset Timestamp, string HostName, string AppName, string ProcId, string MsgId,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StructuredData, string? Message)
{
    public static Rfc5424Message Parse(string text)
    {
        var header = Header().Match(text);
        if (!header.Success)
        {
            throw new FormatException($"not an RFC 5424 header: {text}");
        }

        var pri = int.Parse(header.Groups["pri"].Value, CultureInfo.InvariantCulture);
        if (pri > 191)
        {
            throw new FormatException($"PRI {pri} is above 191");
        }

        var timestamp = DateTimeOffset.ParseExact(header.Groups["ts"].Value, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFK", CultureInfo.InvariantCulture);
        var rest = text[header.Length..];
        var data = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var i = 0;
        if (rest.StartsWith('-'))
        {
            i = 1;
        }
        else
        {
            while (i < rest.Length && rest[i] == '[')
            {
                i++;
                var id = ReadName(rest, ref i);
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                while (rest[i] == ' ')
                {
                    i++;
                    var name = ReadName(rest, ref i);
                    Expect(rest, ref i, '=');
                    Expect(rest, ref i, '"');
                    var value = new StringBuilder();
                    while (rest[i] != '"')
                    {
                        if (rest[i] == '\\' && rest[i + 1] is '"' or '\\' or ']')
                        {
                            i++;
                        }
                        else if (rest[i] == ']')
                        {
                            throw new FormatException($"an unescaped ']' in the value of {name}");
                        }

                        value.Append(rest[i++]);
                    }

                    i++;
                    parameters[name] = value.ToString();
                }

                Expect(rest, ref i, ']');
                data[id] = parameters;
            }

            if (data.Count == 0)
            {
                throw new FormatException("STRUCTURED-DATA is neither '-' nor an SD-ELEMENT");
            }
        }

        string? message = null;
        if (i < rest.Length)
        {
            Expect(rest, ref i, ' ');
            message = rest[i..];
        }

        return new Rfc5424Message(pri / 8, pri % 8, timestamp, header.Groups["host"].Value, header.Groups["app"].Value,
            header.Groups["proc"].Value, header.Groups["msgid"].Value, data, message);
    }

    // SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'.
    private static string ReadName(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] is > ' ' and <= '~' and not '=' and not ']' and not '"')
        {
            i++;
        }

        return i - start is >= 1 and <= 32 ? text[start..i] : throw new FormatException($"a bad SD-NAME at {start}: {text}");
    }

    private static void Expect(string text, ref int i, char c)
    {
        if (i >= text.Length || text[i] != c)
        {
            throw new FormatException($"'{c}' expected at {i}: {text}");
        }

        i++;
    }

    [GeneratedRegex(@"^<(?<pri>\d{1,3})>1 (?<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)) (?<host>[!-~]{1,255}) (?<app>[!-~]{1,48}) (?<proc>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) ", RegexOptions.CultureInvariant)]
    private static partial Regex Header();
}
