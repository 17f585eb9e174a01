using System.Globalization;

namespace GovernedCrm.AdminConsole.Trail;

/// <summary>
/// The audit browser's filters, as its GET form sends them: every one optional; the record filter needs both its
/// object type and id; times are UTC (<c>yyyy-MM-ddTHH:mm</c>, what a datetime-local field sends, or a full ISO 8601 time).
/// </summary>
public sealed record AuditFilter
{
    /// <summary>The record's object type (with <see cref="RecordId"/>).</summary>
    public string? ObjectType { get; init; }

    /// <summary>The record id (with <see cref="ObjectType"/>).</summary>
    public string? RecordId { get; init; }

    /// <summary>The actor.</summary>
    public string? Actor { get; init; }

    /// <summary>The execution id.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>The event (e.g. <c>executed</c>, <c>approval_requested</c>).</summary>
    public string? Event { get; init; }

    /// <summary>The tool.</summary>
    public string? Tool { get; init; }

    /// <summary>From this time on (UTC).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Before this time (UTC).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>True when no filter is set.</summary>
    public bool IsEmpty => this == new AuditFilter();

    /// <summary>Reads a time field of the form.</summary>
    /// <param name="text">What the field sent.</param>
    /// <param name="time">The time (UTC), or null for an empty field.</param>
    /// <returns>False when the text is not a time.</returns>
    public static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    /// <summary>A time as the form's datetime-local field shows it.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text, empty for none.</returns>
    public static string FieldText(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : "";
}
