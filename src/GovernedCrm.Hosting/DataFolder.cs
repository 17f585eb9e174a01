namespace GovernedCrm.Hosting;

/// <summary>
/// The folder with the CRM database, the audit database and the governance state: <c>--data DIR</c>, else
/// <c>GOVERNEDCRM_DATA</c>, else <c>~/.governedcrm</c>. <see cref="Open"/> (serve, setup and deciding verbs) creates it
/// on first run and requires a writable directory; <see cref="OpenExisting"/> (read-only verbs) changes nothing.
/// </summary>
internal sealed class DataFolder
{
    public const string EnvironmentVariable = "GOVERNEDCRM_DATA";

    private DataFolder(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Resolves, creates and checks the data folder.</summary>
    /// <param name="option">The --data value, if given.</param>
    /// <returns>The data folder.</returns>
    /// <exception cref="StartupException">The folder cannot be created or written.</exception>
    public static DataFolder Open(string? option)
    {
        var path = Resolve(option);
        if (System.IO.File.Exists(path))
        {
            throw new StartupException($"the data folder {path} is a file, not a folder (set --data or {EnvironmentVariable} to a folder)");
        }

        try
        {
            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                // The folder will hold the token vault and key files: owner only.
                System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var probe = System.IO.Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            System.IO.File.WriteAllBytes(probe, []);
            System.IO.File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"the data folder {path} cannot be created or written: {ex.Message}", ex);
        }

        return new DataFolder(path);
    }

    /// <summary>
    /// Resolves an existing data folder for a read-only verb: nothing is created, no mode is changed and nothing is
    /// written, so pointing such a verb at any folder leaves that folder as it was.
    /// </summary>
    /// <param name="option">The --data value, if given.</param>
    /// <returns>The data folder.</returns>
    /// <exception cref="StartupException">The folder does not exist, or is a file.</exception>
    public static DataFolder OpenExisting(string? option)
    {
        var path = Resolve(option);
        if (System.IO.File.Exists(path))
        {
            throw new StartupException($"the data folder {path} is a file, not a folder (set --data or {EnvironmentVariable} to a folder)");
        }

        if (!Directory.Exists(path))
        {
            throw new StartupException($"there is no data folder at {path} (run 'governed-crm serve' once to create it, or pass --data)");
        }

        return new DataFolder(path);
    }

    private static string Resolve(string? option)
    {
        var configured = !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return System.IO.Path.GetFullPath(ExpandHome(configured));
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            throw new StartupException($"no home folder to put the data folder in: set --data or {EnvironmentVariable}");
        }

        return System.IO.Path.Combine(home, ".governedcrm");
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
