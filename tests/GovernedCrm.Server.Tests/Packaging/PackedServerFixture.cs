namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>
/// Packs src/GovernedCrm.Server once into a fresh temporary folder, as a user would before `dotnet dnx`,
/// and deletes the folder afterwards.
/// </summary>
public sealed class PackedServerFixture : IAsyncLifetime
{
    // Packing builds the whole dependency graph; on a warm machine it takes 30 to 60 s.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    /// <summary>A temporary folder of this fixture's own.</summary>
    public string WorkFolder { get; } = Directory.CreateTempSubdirectory("governedcrm-pack-").FullName;

    /// <summary>The pack output: a local package source holding only GovernedCrm.</summary>
    public string PackageFolder => Path.Combine(WorkFolder, "packages");

    public string PackagePath { get; private set; } = "";

    internal CliResult? Pack { get; private set; }

    public async Task InitializeAsync()
    {
        // No build servers: one started by this pack would inherit its output pipes and outlive the test run.
        Pack = await DotnetCli.RunAsync(
            [
                "pack", RepositoryRoot.File("src", "GovernedCrm.Server"), "-c", "Release", "-o", PackageFolder,
                "--nologo", "--disable-build-servers",
            ],
            RepositoryRoot.Path,
            PackTimeout);
        if (Pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed: {Pack}");
        }

        var packages = Directory.GetFiles(PackageFolder, "*.nupkg");
        if (packages.Length != 1)
        {
            throw new InvalidOperationException($"dotnet pack should make one package, made [{string.Join(", ", packages)}]: {Pack}");
        }

        PackagePath = packages[0];
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: the data folder is owner-only, and a still-exiting server may hold files in it.
        }

        return Task.CompletedTask;
    }
}
