using GovernedCrm.Server.Tests.Packaging;

namespace GovernedCrm.Server.Tests.CustomTools;

/// <summary>The tool assemblies the tests load, from their own build output (same configuration as the tests).</summary>
internal static class ToolAssemblyFiles
{
    /// <summary>samples/CloseDeal: CRM.CloseDeal, governed.</summary>
    public static string CloseDeal => Output("samples", "CloseDeal", "GovernedCrm.Samples.CloseDeal.dll");

    /// <summary>The sample's policy.</summary>
    public static string CloseDealPolicy => RepositoryRoot.File("samples", "CloseDeal", "close-deal-policy.yaml");

    /// <summary>tests/GovernedCrm.Testing.UngovernedTool: Test.Ungoverned, without [GovernedTool].</summary>
    public static string Ungoverned => Output("tests", "GovernedCrm.Testing.UngovernedTool", "GovernedCrm.Testing.UngovernedTool.dll");

    // bin/<Configuration>/<TargetFramework> of the tests, applied to the project's folder.
    private static string Output(string area, string project, string file)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var path = RepositoryRoot.File(area, project, "bin", configuration.Name, framework.Name, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (the test project builds it first)", path);
    }
}
