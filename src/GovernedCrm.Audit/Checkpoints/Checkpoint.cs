namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// A C2SP tlog-checkpoint note text (c2sp.org/tlog-checkpoint): <c>"&lt;origin&gt;\n&lt;size&gt;\n&lt;base64 root&gt;\n"</c>,
/// followed by any extension lines. The log writes none; extension lines of a parsed checkpoint are kept in
/// <see cref="Extensions"/> so that <see cref="ToBody"/> gives back the exact text that was signed.
/// </summary>
/// <remarks>
/// The constructor validates: the origin is non-empty without control characters (it is one line of a note),
/// the size is not negative, the root is a 32-byte SHA-256 (RFC 6962) hash. The root array is not copied:
/// do not change it after constructing. Two checkpoints are equal when origin, size, root bytes and extension
/// lines are equal.
/// </remarks>
/// <param name="Origin">The log identity, the first line (here <c>governed-crm/audit/&lt;tenant&gt;</c>).</param>
/// <param name="Size">The number of leaves (entries) the root covers.</param>
/// <param name="RootHash">The RFC 6962 Merkle root over the first <paramref name="Size"/> leaves (32 bytes).</param>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash)
{
    /// <summary>The length of a root hash (SHA-256).</summary>
    public const int RootHashLength = 32;

    private readonly string[] _extensions = [];

    /// <summary>The log identity, the first line of the body.</summary>
    public string Origin { get; init => field = ValidOrigin(value); } = ValidOrigin(Origin);

    /// <summary>The number of leaves (entries) the root covers.</summary>
    public long Size { get; init => field = ValidSize(value); } = ValidSize(Size);

    /// <summary>The RFC 6962 Merkle root (32 bytes).</summary>
    public byte[] RootHash { get; init => field = ValidRoot(value); } = ValidRoot(RootHash);

    /// <summary>
    /// Extension lines after the root (opaque, each non-empty, without control characters). Empty for the
    /// checkpoints this log signs; the spec says their use is NOT RECOMMENDED.
    /// </summary>
    public IReadOnlyList<string> Extensions
    {
        get => _extensions;
        init => _extensions = ValidExtensions(value);
    }

    /// <summary>The note text: origin, size, base64 root and any extension lines, each ending in a newline.</summary>
    /// <returns>The body to sign.</returns>
    public string ToBody()
    {
        var body = new StringBuilder(Origin.Length + 80);
        body.Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (var line in _extensions)
        {
            body.Append(line).Append('\n');
        }

        return body.ToString();
    }

    /// <summary>
    /// Parses a checkpoint body strictly: at least three non-empty lines, each ending in a newline; a size in
    /// ASCII decimal without sign or leading zeroes; a root in canonical padded standard base64 of exactly 32 bytes.
    /// Never throws.
    /// </summary>
    /// <param name="body">The note text.</param>
    /// <param name="checkpoint">The checkpoint, or <see langword="null"/> if the body is malformed.</param>
    /// <returns><see langword="true"/> if the body is a well-formed checkpoint.</returns>
    public static bool TryParse(string body, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (string.IsNullOrEmpty(body) || body[^1] != '\n' || !SignedNoteFormat.IsWellFormed(body, allowNewline: true))
        {
            return false;
        }

        var lines = body[..^1].Split('\n');
        if (lines.Length < 3 || Array.Exists(lines, line => line.Length == 0))
        {
            return false;
        }

        if (!TryParseSize(lines[1], out var size)
            || lines[2].Length != 44
            || !SignedNoteFormat.TryDecodeBase64Strict(lines[2], out var root)
            || root.Length != RootHashLength)
        {
            return false;
        }

        checkpoint = new Checkpoint(lines[0], size, root) { Extensions = lines[3..] };
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Checkpoint? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Size == other.Size
        && RootHash.AsSpan().SequenceEqual(other.RootHash)
        && _extensions.SequenceEqual(other._extensions, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Origin, StringComparer.Ordinal);
        hash.Add(Size);
        hash.AddBytes(RootHash);
        hash.Add(_extensions.Length);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Origin = ").Append(Origin)
            .Append(", Size = ").Append(Size.ToString(CultureInfo.InvariantCulture))
            .Append(", RootHash = ").Append(Convert.ToBase64String(RootHash));
        if (_extensions.Length > 0)
        {
            builder.Append(", Extensions = ").Append(_extensions.Length.ToString(CultureInfo.InvariantCulture));
        }

        return true;
    }

    private static bool TryParseSize(string line, out long size)
    {
        size = 0;
        if (line.Length > 19 || (line.Length > 1 && line[0] == '0'))
        {
            return false;
        }

        foreach (var c in line)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    private static string ValidOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (origin.Length == 0 || !SignedNoteFormat.IsWellFormed(origin, allowNewline: false))
        {
            throw new ArgumentException("A checkpoint origin must be non-empty, well-formed and without control characters or newlines.", nameof(origin));
        }

        return origin;
    }

    private static long ValidSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size;
    }

    private static byte[] ValidRoot(byte[] root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Length != RootHashLength)
        {
            throw new ArgumentException($"A checkpoint root hash must be {RootHashLength} bytes (SHA-256), not {root.Length}.", nameof(root));
        }

        return root;
    }

    private static string[] ValidExtensions(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var copy = lines.ToArray();
        foreach (var line in copy)
        {
            if (string.IsNullOrEmpty(line) || !SignedNoteFormat.IsWellFormed(line, allowNewline: false))
            {
                throw new ArgumentException("Checkpoint extension lines must be non-empty, well-formed and without control characters or newlines.", nameof(lines));
            }
        }

        return copy;
    }
}
