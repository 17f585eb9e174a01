using System.Buffers.Text;

namespace GovernedCrm.Audit.Queries;

/// <summary>
/// Where the next page of an audit query starts: the position (sequence) of the last entry of the page before, and
/// the direction the query walks. Keyset paging: the next page is "the entries after this position", never an
/// offset, so each page costs the same however deep it is and entries appended meanwhile never shift it. It carries
/// no chain: a cursor is always applied to the caller's own chain, so it reveals nothing of another tenant's.
/// </summary>
/// <param name="Sequence">The position of the last entry returned.</param>
/// <param name="OldestFirst">True when the query walks from the oldest entry to the newest.</param>
public readonly record struct AuditCursor(long Sequence, bool OldestFirst)
{
    private const string Prefix = "a1";

    /// <summary>The cursor as opaque text (base64url), for a client to hand back.</summary>
    /// <returns>The text.</returns>
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{Prefix}.{(OldestFirst ? 'o' : 'n')}.{Sequence.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Reads a cursor made by <see cref="Encode"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cursor">The cursor, when the text is one.</param>
    /// <returns>True when it is.</returns>
    public static bool TryParse(string? text, out AuditCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes).Split('.');
        if (parts.Length != 3 || parts[0] != Prefix || parts[1] is not ("o" or "n")
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        cursor = new AuditCursor(sequence, parts[1] == "o");
        return true;
    }
}
