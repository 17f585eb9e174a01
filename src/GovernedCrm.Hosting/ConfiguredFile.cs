namespace GovernedCrm.Hosting;

/// <summary>A file named by a command-line option, else by an environment variable: its full path, or null when neither names one.</summary>
internal static class ConfiguredFile
{
    public static string? Resolve(string? option, string environmentVariable)
    {
        var path = !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable(environmentVariable);
        return string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path.Trim());
    }
}
