namespace GovernedCrm.Hosting.CustomTools;

/// <summary>
/// The custom tool assemblies to load: every <c>--tools PATH.dll</c> given, else the paths in <c>GOVERNEDCRM_TOOLS</c>
/// (separated by the OS path separator, ':' on Linux and macOS, ';' on Windows), else none.
/// </summary>
internal static class ToolAssemblyPaths
{
    public const string Option = "--tools";

    public const string EnvironmentVariable = "GOVERNEDCRM_TOOLS";

    /// <summary>The full paths of the tool assemblies, in the order given, each once.</summary>
    /// <param name="options">The <c>--tools</c> values, if any.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The paths; empty when none is configured.</returns>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? options, Func<string, string?> environment)
    {
        IEnumerable<string> given = options is { Count: > 0 }
            ? options
            : (environment(EnvironmentVariable) ?? "").Split(Path.PathSeparator);
        return given
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => Path.GetFullPath(p.Trim()))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
