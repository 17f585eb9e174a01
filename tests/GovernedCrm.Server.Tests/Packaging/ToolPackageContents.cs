using System.IO.Compression;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>What the packed tool holds under tools/net10.0/any/ (eng/ToolPackage.targets decides), and its size bound.</summary>
internal static class ToolPackageContents
{
    /// <summary>
    /// The bound on the .nupkg: 11.5 MB (the package is 11.0 MB). The natives of the six supported runtimes (SQLite and libsodium) are 7.8 MB of it
    /// compressed, the managed assemblies 3 MB (see docs/development.md, "Packaging").
    /// </summary>
    public const long MaxPackageBytes = 11_500_000;

    public static IReadOnlyList<string> SupportedRuntimes { get; } = ["linux-x64", "linux-arm64", "osx-x64", "osx-arm64", "win-x64", "win-arm64"];

    private const string ToolFolder = "tools/net10.0/any/";

    /// <summary>The tool's files, relative to its folder.</summary>
    public static IReadOnlyList<string> ToolEntries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return [.. zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith(ToolFolder, StringComparison.Ordinal)).Select(n => n[ToolFolder.Length..])];
    }

    /// <summary>The native libraries by runtime (runtimes/RID/native/FILE).</summary>
    public static IReadOnlyDictionary<string, List<string>> NativeRuntimes(string package) =>
        ToolEntries(package)
            .Where(e => e.StartsWith("runtimes/", StringComparison.Ordinal))
            .Select(e => e.Split('/'))
            .GroupBy(parts => parts[1], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(parts => string.Join('/', parts[2..])).ToList(), StringComparer.Ordinal);

    /// <summary>The largest entries with their compressed sizes, for a failure message.</summary>
    public static string LargestEntries(string package, int count)
    {
        using var zip = ZipFile.OpenRead(package);
        return string.Join('\n', zip.Entries.OrderByDescending(e => e.CompressedLength).Take(count).Select(e => $"{e.CompressedLength,10:N0} {e.FullName}"));
    }
}
