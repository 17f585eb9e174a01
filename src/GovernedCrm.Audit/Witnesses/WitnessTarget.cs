namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// One configured witness (<c>--witness URL|DIR</c>, <c>GOVERNEDCRM_WITNESS</c>): a folder, an HTTP endpoint, or a C2SP
/// tlog-witness (an http(s) URL whose path ends in <c>/add-checkpoint</c>).
/// </summary>
/// <param name="Kind">How checkpoints reach it.</param>
/// <param name="Location">The full folder path, or the absolute URL.</param>
public sealed record WitnessTarget(WitnessKind Kind, string Location)
{
    /// <summary>The path that marks a C2SP tlog-witness submission URL.</summary>
    public const string AddCheckpointPath = "/add-checkpoint";

    /// <summary>The name logs and reports use: the folder, or the URL without its query (no credentials are ever accepted).</summary>
    public string Name => Kind == WitnessKind.Directory ? Location : new Uri(Location).GetLeftPart(UriPartial.Path);

    /// <summary>Parses one value: an http:// or https:// URL, otherwise a folder.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The witness.</returns>
    /// <exception cref="FormatException">The value is empty, a URL with credentials or a fragment, or of another scheme.</exception>
    public static WitnessTarget Parse(string value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new FormatException("a witness is an http(s) URL or a folder; the value is empty");
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw new FormatException("a witness URL must be an absolute http(s) URL");
            }

            if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new FormatException("a witness URL must not carry credentials (user@) or a fragment");
            }

            var kind = uri.AbsolutePath.EndsWith(AddCheckpointPath, StringComparison.Ordinal) ? WitnessKind.TlogWitness : WitnessKind.Http;
            return new WitnessTarget(kind, uri.AbsoluteUri);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException("a witness URL must be http:// or https://");
        }

        return new WitnessTarget(WitnessKind.Directory, Path.GetFullPath(text));
    }

    /// <summary>The witnesses of the options when any were given, else of the comma-separated environment value.</summary>
    /// <param name="options">The <c>--witness</c> values.</param>
    /// <param name="environment">The environment variable's value, or null.</param>
    /// <returns>The witnesses, duplicates removed (none: no witness).</returns>
    /// <exception cref="FormatException">A value is not a witness.</exception>
    public static IReadOnlyList<WitnessTarget> Resolve(IReadOnlyList<string>? options, string? environment)
    {
        var values = options is { Count: > 0 }
            ? options
            : (environment ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. values.Select(Parse).Distinct()];
    }
}
