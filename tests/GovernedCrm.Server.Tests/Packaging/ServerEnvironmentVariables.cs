using System.Text.RegularExpressions;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>
/// The GOVERNEDCRM_ and OTEL_ environment variables the server reads itself, found as string literals in the source
/// (src/**/*.cs), so a variable added to the code and forgotten in mcp-server.json fails the manifest test.
/// </summary>
internal static partial class ServerEnvironmentVariables
{
    /// <summary>The variables named in src whose names start with <paramref name="prefix"/> (<c>GOVERNEDCRM_</c> or <c>OTEL_</c>).</summary>
    public static IReadOnlyList<string> Read(string prefix = "GOVERNEDCRM_") =>
        [.. Directory.EnumerateFiles(RepositoryRoot.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => Literal().Matches(File.ReadAllText(path)).Select(m => m.Groups["name"].Value))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    // A whole string literal: "GOVERNEDCRM_NAME" or "OTEL_NAME" (doc comments naming a variable are not literals).
    [GeneratedRegex("\"(?<name>(GOVERNEDCRM|OTEL)_[A-Z0-9_]+)\"")]
    private static partial Regex Literal();
}
