namespace GovernedCrm.AdminConsole.Trail;

/// <summary>
/// Keyset paging without script: the page's cursor, and the cursors of the pages before it (<c>back</c>, dot-separated,
/// <see cref="First"/> for the first page), so that "Previous" is a plain link too. At most <see cref="MaxDepth"/>
/// pages back are remembered; further back, "Previous" leads to the first page.
/// </summary>
/// <param name="Cursor">This page's cursor; null for the first page.</param>
/// <param name="Back">The cursors of the pages before, oldest first.</param>
public sealed record PageTrail(string? Cursor, IReadOnlyList<string> Back)
{
    /// <summary>The token of the first page in <see cref="Back"/>.</summary>
    public const string First = "first";

    /// <summary>How many pages back are remembered.</summary>
    public const int MaxDepth = 50;

    /// <summary>Reads the query's <c>cursor</c> and <c>back</c>.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <param name="back">The earlier cursors.</param>
    /// <returns>The trail.</returns>
    public static PageTrail From(string? cursor, string? back) => new(
        string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim(),
        string.IsNullOrWhiteSpace(back) ? [] : [.. back.Split('.', StringSplitOptions.RemoveEmptyEntries).TakeLast(MaxDepth)]);

    /// <summary>True when there is a page before this one.</summary>
    public bool HasPrevious => Cursor is not null;

    /// <summary>The query values (<c>cursor</c>, <c>back</c>) of the next page, whose cursor is <paramref name="next"/>.</summary>
    /// <param name="next">The answer's <c>nextCursor</c>.</param>
    /// <returns>The values.</returns>
    public (string Cursor, string Back) Next(string next) => (next, string.Join('.', Back.Append(Cursor ?? First).TakeLast(MaxDepth)));

    /// <summary>The query values of the previous page: its cursor (null for the first page) and the pages before it.</summary>
    /// <returns>The values.</returns>
    public (string? Cursor, string? Back) Previous()
    {
        if (Back.Count == 0)
        {
            return (null, null);
        }

        var cursor = Back[^1] == First ? null : Back[^1];
        return (cursor, Back.Count > 1 ? string.Join('.', Back.Take(Back.Count - 1)) : null);
    }
}
