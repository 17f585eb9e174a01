using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>
/// Reads JSON strings without throwing. A JSON string may carry text .NET cannot hold as a string (a lone surrogate
/// escape such as <c>\ud800</c>, invalid UTF-8); <see cref="JsonElement.GetString"/> throws on it. These checks look
/// at the raw bytes first, so audit records and error messages never fail on what a client sent.
/// </summary>
public static class JsonText
{
    /// <summary>The string value of <paramref name="value"/>, or null when it is not a string or not valid text.</summary>
    /// <param name="value">A JSON value.</param>
    /// <returns>The text, or null.</returns>
    public static string? StringOrNull(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && IsValidString(value) ? value.GetString() : null;

    /// <summary>True when <paramref name="value"/> is a JSON string whose text is valid Unicode.</summary>
    /// <param name="value">A JSON value.</param>
    /// <returns>Whether <see cref="JsonElement.GetString"/> can read it.</returns>
    public static bool IsValidString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.Length >= 2 && IsValid(raw[1..^1], raw.Contains((byte)'\\'));
    }

    /// <summary>
    /// True when the raw bytes of a JSON string token (without its quotes) decode to valid Unicode: valid UTF-8, and
    /// every <c>\uD800</c>-<c>\uDBFF</c> escape directly followed by a <c>\uDC00</c>-<c>\uDFFF</c> escape and no low
    /// surrogate escape on its own. The token's escapes must already be well formed (as a JSON reader checks).
    /// </summary>
    /// <param name="token">The token's bytes as they appear in the JSON text.</param>
    /// <param name="escaped">Whether the token contains escapes.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool IsValid(ReadOnlySpan<byte> token, bool escaped)
    {
        if (!escaped)
        {
            return Utf8.IsValid(token);
        }

        var pendingHigh = false;
        var runStart = 0;
        var i = 0;
        while (i < token.Length)
        {
            if (token[i] != '\\')
            {
                i++;
                continue;
            }

            if (!RunIsValid(token[runStart..i], ref pendingHigh) || i + 1 >= token.Length)
            {
                return false;
            }

            if (token[i + 1] == 'u')
            {
                if (i + 6 > token.Length || !TryParseHex(token.Slice(i + 2, 4), out var unit))
                {
                    return false;
                }

                if (char.IsHighSurrogate(unit))
                {
                    if (pendingHigh)
                    {
                        return false;
                    }

                    pendingHigh = true;
                }
                else if (char.IsLowSurrogate(unit))
                {
                    if (!pendingHigh)
                    {
                        return false;
                    }

                    pendingHigh = false;
                }
                else if (pendingHigh)
                {
                    return false;
                }

                i += 6;
            }
            else
            {
                if (pendingHigh)
                {
                    return false;
                }

                i += 2;
            }

            runStart = i;
        }

        return RunIsValid(token[runStart..], ref pendingHigh) && !pendingHigh;
    }

    /// <summary>True when <paramref name="text"/> is valid UTF-16 (every surrogate in a pair).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool IsValid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Raw bytes between escapes: valid UTF-8, and not right after a high surrogate escape that needs its pair.
    private static bool RunIsValid(ReadOnlySpan<byte> run, ref bool pendingHigh) =>
        run.IsEmpty || (!pendingHigh && Utf8.IsValid(run));

    private static bool TryParseHex(ReadOnlySpan<byte> hex, out char unit)
    {
        var value = 0;
        foreach (var b in hex)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                unit = default;
                return false;
            }

            value = (value * 16) + digit;
        }

        unit = (char)value;
        return true;
    }
}
