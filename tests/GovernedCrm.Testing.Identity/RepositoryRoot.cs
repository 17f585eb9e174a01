namespace GovernedCrm.Testing.Identity;

/// <summary>Finds the repository root: the nearest folder above the test binaries that holds <c>GovernedCrm.sln</c>.</summary>
public static class RepositoryRoot
{
    /// <summary>The repository root.</summary>
    /// <returns>Its full path.</returns>
    /// <exception cref="InvalidOperationException">No folder above holds GovernedCrm.sln.</exception>
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GovernedCrm.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds GovernedCrm.sln.");
    }
}
