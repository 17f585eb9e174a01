using System.Diagnostics;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// The W3C Trace Context a client sends in a request's <c>_meta</c>: <c>traceparent</c> and <c>tracestate</c>, the keys
/// the MCP specification reserves for it (SEP-414, kept by the 2026-07-28 revision), with the values' W3C formats. A
/// value that does not follow its format is ignored: a malformed <c>traceparent</c> leaves the call without a remote
/// parent, a malformed <c>tracestate</c> is dropped; neither is ever an error.
/// </summary>
internal static class TraceContextMeta
{
    /// <summary>The <c>_meta</c> key of the W3C <c>traceparent</c> value.</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The <c>_meta</c> key of the W3C <c>tracestate</c> value.</summary>
    public const string TraceStateKey = "tracestate";

    // W3C Trace Context: version 00 is exactly 55 characters; a later version may append "-..." after them.
    private const int TraceParentLength = 55;
    private const int TraceStateMaxLength = 512;
    private const int TraceStateMaxMembers = 32;

    /// <summary>The client's trace context, or default when <paramref name="meta"/> has none or a malformed one.</summary>
    /// <param name="meta">The request's <c>_meta</c>.</param>
    /// <returns>The remote parent context, or default.</returns>
    public static ActivityContext Read(JsonObject? meta)
    {
        var traceParent = Text(meta, TraceParentKey);
        if (traceParent is null || !IsTraceParent(traceParent))
        {
            return default;
        }

        var traceState = Text(meta, TraceStateKey);
        if (traceState is not null && !IsTraceState(traceState))
        {
            traceState = null;
        }

        // Version 00's fields only: what follows them in a later version is not ours to read.
        return ActivityContext.TryParse(traceParent[..TraceParentLength], traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>
    /// True when <paramref name="value"/> is a W3C <c>traceparent</c>: version (2 lowercase hex digits, not <c>ff</c>),
    /// trace id (32, not all zero), parent id (16, not all zero) and flags (2), dash-separated; version 00 has nothing after
    /// the flags, a later version only "-..." there.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsTraceParent(string value)
    {
        if (value.Length < TraceParentLength || !IsLowerHex(value.AsSpan(0, 2)) || value.StartsWith("ff", StringComparison.Ordinal)
            || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var traceId = value.AsSpan(3, 32);
        var parentId = value.AsSpan(36, 16);
        if (!IsLowerHex(traceId) || !IsLowerHex(parentId) || !IsLowerHex(value.AsSpan(53, 2))
            || !traceId.ContainsAnyExcept('0') || !parentId.ContainsAnyExcept('0'))
        {
            return false;
        }

        return value.Length == TraceParentLength
            ? true
            : !value.StartsWith("00", StringComparison.Ordinal) && value[TraceParentLength] == '-';
    }

    /// <summary>
    /// True when <paramref name="value"/> is a W3C <c>tracestate</c>: at most 512 characters, at most 32 comma-separated
    /// <c>key=value</c> members (empty members allowed), each key a lowercase letter or digit then up to 255 of
    /// <c>a-z 0-9 _ - * /</c> with at most one <c>@</c> (a multi-tenant key), each value 1 to 256 printable ASCII characters
    /// without <c>,</c> or <c>=</c> and not ending in a space.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsTraceState(string value)
    {
        if (value.Length > TraceStateMaxLength)
        {
            return false;
        }

        var members = 0;
        foreach (var range in value.AsSpan().Split(','))
        {
            var member = value.AsSpan(range).Trim(" \t");
            if (member.IsEmpty)
            {
                continue;
            }

            var equals = member.IndexOf('=');
            if (++members > TraceStateMaxMembers || equals <= 0 || !IsStateKey(member[..equals]) || !IsStateValue(member[(equals + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStateKey(ReadOnlySpan<char> key)
    {
        var at = key.IndexOf('@');
        if (at >= 0)
        {
            var tenant = key[..at];
            var system = key[(at + 1)..];
            return tenant.Length is >= 1 and <= 241 && system.Length is >= 1 and <= 14
                && IsKeyChars(tenant, firstMayBeDigit: true) && IsKeyChars(system, firstMayBeDigit: false);
        }

        return key.Length <= 256 && IsKeyChars(key, firstMayBeDigit: true);
    }

    private static bool IsKeyChars(ReadOnlySpan<char> key, bool firstMayBeDigit)
    {
        if (key.IsEmpty || !(char.IsAsciiLetterLower(key[0]) || (firstMayBeDigit && char.IsAsciiDigit(key[0]))))
        {
            return false;
        }

        foreach (var c in key[1..])
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '*' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStateValue(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > 256 || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or ',' or '=')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Text(JsonObject? meta, string key)
    {
        try
        {
            // The indexer reads every name of the object: a repeated or unreadable one throws, and counts as absent.
            return meta?[key] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
