namespace GovernedCrm.Security.Tests.Cli;

/// <summary>Every entry under a folder (the folder itself included) with its Unix mode, size and write time, for before/after comparisons.</summary>
internal static class FolderSnapshot
{
    public static IReadOnlyList<string> Of(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var entries = new List<string> { Describe(new DirectoryInfo(folder), ".") };
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entries.Add(Describe(entry, Path.GetRelativePath(folder, entry.FullName)));
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    private static string Describe(FileSystemInfo entry, string name) =>
        entry is FileInfo file
            ? $"{name} {Mode(entry)} {file.Length} {file.LastWriteTimeUtc.Ticks}"
            : $"{name}/ {Mode(entry)}";

    private static string Mode(FileSystemInfo entry) =>
        OperatingSystem.IsWindows() ? "-" : Convert.ToString((int)entry.UnixFileMode, 8);
}
