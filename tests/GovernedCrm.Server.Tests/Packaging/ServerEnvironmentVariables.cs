using System.Text.RegularExpressions;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>
/// The GOVERNEDCRM_ environment variables the server reads, found as string literals in the source (src/**/*.cs), so a
/// variable added to the code and forgotten in mcp-server.json fails the manifest test.
/// </summary>
internal static partial class ServerEnvironmentVariables
{
    public static IReadOnlyList<string> Read() =>
        [.. Directory.EnumerateFiles(RepositoryRoot.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => Literal().Matches(File.ReadAllText(path)).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    // A whole string literal: "GOVERNEDCRM_NAME" (doc comments naming a variable are not literals).
    [GeneratedRegex("\"(?<name>GOVERNEDCRM_[A-Z0-9_]+)\"")]
    private static partial Regex Literal();
}
