using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// The one SOQL shape the Salesforce connector sends, parsed strictly:
/// <c>SELECT f, ... FROM T [WHERE (F LIKE 'lit' OR ...)] ORDER BY Id LIMIT n</c>. String literals follow SOQL's
/// escapes (\' \" \\ \n \r \t \b \f, and \% \_ inside LIKE). Anything else is a malformed query, as an injected
/// clause that escaped its literal would be.
/// </summary>
public sealed class SoqlQuery
{
    private SoqlQuery(IReadOnlyList<string> fields, string sObject, IReadOnlyList<(string Field, Regex Pattern, string? Text)> conditions, int limit)
    {
        Fields = fields;
        SObject = sObject;
        Conditions = conditions;
        Limit = limit;
    }

    public IReadOnlyList<string> Fields { get; }

    public string SObject { get; }

    /// <summary>The OR-ed LIKE conditions: field, the pattern as a regex, and the contained text when the pattern is '%text%'.</summary>
    public IReadOnlyList<(string Field, Regex Pattern, string? Text)> Conditions { get; }

    public int Limit { get; }

    /// <summary>The text every condition looks for, when they all look for the same '%text%'.</summary>
    public string? SearchText => Conditions.Select(c => c.Text).Distinct().SingleOrDefault();

    /// <summary>Parses the query, or returns null when it is not the expected shape.</summary>
    public static SoqlQuery? TryParse(string soql)
    {
        ArgumentNullException.ThrowIfNull(soql);
        var tokens = Tokenize(soql);
        if (tokens is null)
        {
            return null;
        }

        var i = 0;
        bool Keyword(string word)
        {
            if (i < tokens.Count && !tokens[i].IsLiteral && string.Equals(tokens[i].Text, word, StringComparison.OrdinalIgnoreCase))
            {
                i++;
                return true;
            }

            return false;
        }

        string? Identifier() => i < tokens.Count && !tokens[i].IsLiteral && IsIdentifier(tokens[i].Text) ? tokens[i++].Text : null;

        if (!Keyword("SELECT"))
        {
            return null;
        }

        var fields = new List<string>();
        do
        {
            if (Identifier() is not { } field)
            {
                return null;
            }

            fields.Add(field);
        }
        while (Keyword(","));

        if (!Keyword("FROM") || Identifier() is not { } sObject)
        {
            return null;
        }

        var conditions = new List<(string, Regex, string?)>();
        if (Keyword("WHERE"))
        {
            if (!Keyword("("))
            {
                return null;
            }

            do
            {
                if (Identifier() is not { } field || !Keyword("LIKE") || i >= tokens.Count || !tokens[i].IsLiteral)
                {
                    return null;
                }

                var (pattern, text) = Like(tokens[i++].Text);
                conditions.Add((field, pattern, text));
            }
            while (Keyword("OR"));

            if (!Keyword(")"))
            {
                return null;
            }
        }

        if (!Keyword("ORDER") || !Keyword("BY") || !Keyword("Id") || !Keyword("LIMIT")
            || i >= tokens.Count || !int.TryParse(tokens[i++].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || i != tokens.Count)
        {
            return null;
        }

        return new SoqlQuery(fields, sObject, conditions, limit);
    }

    private static bool IsIdentifier(string text) => text.Length > 0 && char.IsAsciiLetter(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    // Tokens: identifiers/keywords/numbers, ',' '(' ')', and string literals kept raw (escapes intact) for Like().
    private static List<(string Text, bool IsLiteral)>? Tokenize(string soql)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < soql.Length)
        {
            var c = soql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is ',' or '(' or ')')
            {
                tokens.Add((c.ToString(), false));
                i++;
            }
            else if (c == '\'')
            {
                var raw = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= soql.Length)
                    {
                        return null;
                    }

                    if (soql[i] == '\\')
                    {
                        if (i + 1 >= soql.Length || !"'\"\\nrtbf%_".Contains(soql[i + 1], StringComparison.Ordinal))
                        {
                            return null;
                        }

                        raw.Append(soql, i, 2);
                        i += 2;
                    }
                    else if (soql[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        raw.Append(soql[i++]);
                    }
                }

                tokens.Add((raw.ToString(), true));
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                var start = i;
                while (i < soql.Length && (char.IsAsciiLetterOrDigit(soql[i]) || soql[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add((soql[start..i], false));
            }
            else
            {
                return null;
            }
        }

        return tokens;
    }

    // A raw LIKE literal → a case-insensitive regex; % and _ are wildcards unless escaped.
    private static (Regex Pattern, string? Text) Like(string raw)
    {
        var regex = new StringBuilder("^");
        var text = new StringBuilder();
        var wildcards = new List<int>();
        for (var i = 0; i < raw.Length; i++)
        {
            char literal;
            if (raw[i] == '\\')
            {
                literal = raw[++i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', var other => other };
            }
            else if (raw[i] is '%' or '_')
            {
                regex.Append(raw[i] == '%' ? ".*" : ".");
                wildcards.Add(i);
                continue;
            }
            else
            {
                literal = raw[i];
            }

            regex.Append(Regex.Escape(literal.ToString()));
            text.Append(literal);
        }

        var contains = wildcards.Count == 2 && wildcards[0] == 0 && wildcards[1] == raw.Length - 1 && raw[0] == '%' && raw[^1] == '%';
        return (new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
            contains ? text.ToString() : null);
    }
}
