namespace GovernedCrm.Governance.Approvals;

/// <summary>Parses approval expiries such as "90s", "30m", "24h" or "7d": a positive whole number and one unit.</summary>
public static class ApprovalTtl
{
    /// <summary>The longest expiry accepted: a proposal should not wait longer than a year.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(365);

    /// <summary>Parses an expiry.</summary>
    /// <param name="text">The text, e.g. "24h".</param>
    /// <returns>The expiry.</returns>
    /// <exception cref="FormatException">The text is not a valid expiry; the message says what is.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var ttl, out var error) ? ttl : throw new FormatException(error);

    /// <summary>Parses an expiry without throwing.</summary>
    /// <param name="text">The text, e.g. "24h".</param>
    /// <param name="ttl">The expiry, when valid.</param>
    /// <param name="error">Why the text is invalid, when it is.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(string? text, out TimeSpan ttl, out string? error)
    {
        ttl = default;
        error = null;
        var value = text?.Trim() ?? string.Empty;
        var unit = value.Length > 0 ? char.ToLowerInvariant(value[^1]) : '\0';
        var per = unit switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (per == TimeSpan.Zero
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0)
        {
            error = $"{ApprovalOptions.TtlEnvironmentVariable} must be a positive whole number followed by s, m, h or d (for example 30m, 24h, 7d); got '{Shorten(text)}'.";
            return false;
        }

        if (count > Maximum.Ticks / per.Ticks)
        {
            error = $"{ApprovalOptions.TtlEnvironmentVariable} must be at most {Maximum.TotalDays.ToString(CultureInfo.InvariantCulture)}d; got '{Shorten(text)}'.";
            return false;
        }

        ttl = TimeSpan.FromTicks(per.Ticks * count);
        return true;
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
