namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>The checkout the tests run from: the nearest folder above the test binaries holding GovernedCrm.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, "GovernedCrm.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No GovernedCrm.sln above {AppContext.BaseDirectory}: the packaging tests need the source checkout.");
    }
}
