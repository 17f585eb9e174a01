using System.Xml.Linq;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>The package identity the build gives the server, read from the project files rather than repeated here.</summary>
internal static class ServerProject
{
    public static string PackageId { get; } =
        XDocument.Load(RepositoryRoot.File("src", "GovernedCrm.Server", "GovernedCrm.Server.csproj")).Descendants("PackageId").Single().Value;

    public static string Version { get; } =
        XDocument.Load(RepositoryRoot.File("Directory.Build.props")).Descendants("Version").Single().Value;
}
