using System.Text;

namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>Splits a condition into tokens. Positions are 1-based character indexes into the condition.</summary>
internal static class ConditionLexer
{
    /// <summary>The tokens of <paramref name="text"/>, ending with an <see cref="ConditionTokenKind.End"/> token.</summary>
    /// <param name="text">The condition.</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="ConditionSyntaxException">A character or literal that is not part of the language.</exception>
    public static List<ConditionToken> Tokenize(string text)
    {
        var tokens = new List<ConditionToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var position = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (IsNameStart(c))
            {
                var start = i;
                while (i < text.Length && IsNamePart(text[i]))
                {
                    i++;
                }

                tokens.Add(new ConditionToken(ConditionTokenKind.Name, text[start..i], position));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(new ConditionToken(ConditionTokenKind.Number, ReadNumber(text, ref i), position));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(new ConditionToken(ConditionTokenKind.String, ReadString(text, ref i), position));
            }
            else
            {
                tokens.Add(ReadSymbol(text, ref i));
            }
        }

        tokens.Add(new ConditionToken(ConditionTokenKind.End, string.Empty, text.Length + 1));
        return tokens;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string ReadNumber(string text, ref int i)
    {
        var start = i;
        if (text[i] == '-')
        {
            i++;
        }

        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                throw new ConditionSyntaxException(i + 1, "expected a digit after the decimal point, e.g. 2.5");
            }

            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && IsNamePart(text[i]))
        {
            throw new ConditionSyntaxException(start + 1, $"'{text[start..(i + 1)]}' is not a number; numbers are digits with an optional decimal point, e.g. 50000 or 2.5");
        }

        return text[start..i];
    }

    private static string ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                i++;
                return value.ToString();
            }

            // A backslash escapes the quote or itself; anything else is taken literally.
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == quote || text[i + 1] == '\\'))
            {
                value.Append(text[i + 1]);
                i += 2;
                continue;
            }

            value.Append(c);
            i++;
        }

        throw new ConditionSyntaxException(start + 1, $"unterminated string: add the closing {quote} quote");
    }

    private static ConditionToken ReadSymbol(string text, ref int i)
    {
        var c = text[i];
        var position = i + 1;
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        switch (c)
        {
            case '(':
                i++;
                return new ConditionToken(ConditionTokenKind.OpenParen, "(", position);
            case ')':
                i++;
                return new ConditionToken(ConditionTokenKind.CloseParen, ")", position);
            case '[':
                i++;
                return new ConditionToken(ConditionTokenKind.OpenBracket, "[", position);
            case ']':
                i++;
                return new ConditionToken(ConditionTokenKind.CloseBracket, "]", position);
            case ',':
                i++;
                return new ConditionToken(ConditionTokenKind.Comma, ",", position);
            case '.':
                i++;
                return new ConditionToken(ConditionTokenKind.Dot, ".", position);
            case '=' when next == '=':
            case '!' when next == '=':
            case '>' when next == '=':
            case '<' when next == '=':
                i += 2;
                return new ConditionToken(ConditionTokenKind.Operator, text.Substring(position - 1, 2), position);
            case '>' or '<':
                i++;
                return new ConditionToken(ConditionTokenKind.Operator, c.ToString(), position);
            case '=':
                throw new ConditionSyntaxException(position, "'=' is not an operator: use '==' to compare");
            case '&':
                throw new ConditionSyntaxException(position, "'&' is not an operator: use 'and'");
            case '|':
                throw new ConditionSyntaxException(position, "'|' is not an operator: use 'or'");
            case '!':
                throw new ConditionSyntaxException(position, "'!' is not an operator: use 'not', or '!=' to compare");
            default:
                throw new ConditionSyntaxException(position, $"unexpected character '{c}'; conditions use names, numbers, quoted strings, == != > >= < <=, in [...], and, or, not and parentheses");
        }
    }
}
