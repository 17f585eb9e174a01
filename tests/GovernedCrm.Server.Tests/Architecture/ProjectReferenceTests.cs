using System.Xml.Linq;
using GovernedCrm.Server.Tests.Packaging;

namespace GovernedCrm.Server.Tests.Architecture;

/// <summary>
/// Arrows point inward: each project under src/ references only the projects and packages docs/architecture.md
/// allows it. Governance holds the governance rules and must stay free of MCP and SQLite; the audit trail stores,
/// hashes and verifies entries and must not depend on the rules that write them (both share the entry format in
/// GovernedCrm.Audit.Records, which references nothing).
/// </summary>
public sealed class ProjectReferenceTests
{
    // The projects each project may reference (docs/architecture.md, "Projects").
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["GovernedCrm.Persistence"] = [],
        ["GovernedCrm.Audit.Records"] = [],
        ["GovernedCrm.Governance"] = ["GovernedCrm.Audit.Records"],
        ["GovernedCrm.Crm"] = ["GovernedCrm.Persistence"],
        ["GovernedCrm.Audit"] = ["GovernedCrm.Audit.Records", "GovernedCrm.Persistence"],
        ["GovernedCrm.Store"] = ["GovernedCrm.Governance", "GovernedCrm.Persistence"],
        ["GovernedCrm.OAuth"] = ["GovernedCrm.Governance", "GovernedCrm.Crm"],
        ["GovernedCrm.Mcp"] = ["GovernedCrm.Governance", "GovernedCrm.Crm"],
        ["GovernedCrm.Console"] = ["GovernedCrm.Governance", "GovernedCrm.Mcp", "GovernedCrm.Store"],
        ["GovernedCrm.Hosting"] = ["GovernedCrm.Governance", "GovernedCrm.Crm", "GovernedCrm.Mcp", "GovernedCrm.Audit", "GovernedCrm.Audit.Records", "GovernedCrm.Store", "GovernedCrm.OAuth", "GovernedCrm.Persistence", "GovernedCrm.Console"],
        ["GovernedCrm.Server"] = ["GovernedCrm.Hosting"],
    };

    public static TheoryData<string> Projects() => [.. Directory.GetDirectories(RepositoryRoot.File("src")).Select(d => new DirectoryInfo(d).Name)];

    [Theory]
    [MemberData(nameof(Projects))]
    public void AProject_ReferencesOnlyTheProjectsItMay(string project)
    {
        Allowed.Should().ContainKey(project, "every project under src/ has its place in docs/architecture.md");

        ProjectReferences(project).Should().BeSubsetOf(Allowed[project]);
    }

    // Explicit, so that widening the map above cannot let these through: checked over every project reached, not
    // only the direct references.
    [Theory]
    [InlineData("GovernedCrm.Audit", "GovernedCrm.Governance")]
    [InlineData("GovernedCrm.Audit.Records", "GovernedCrm.Governance")]
    [InlineData("GovernedCrm.Governance", "GovernedCrm.Mcp")]
    [InlineData("GovernedCrm.Governance", "GovernedCrm.Audit")]
    [InlineData("GovernedCrm.Governance", "GovernedCrm.Persistence")]
    public void AProject_DoesNotReachAProjectItMustNot(string project, string forbidden)
    {
        ReachableProjects(project).Should().NotContain(forbidden);
    }

    [Theory]
    [InlineData("GovernedCrm.Governance", "ModelContextProtocol")]
    [InlineData("GovernedCrm.Governance", "Microsoft.Data.Sqlite")]
    [InlineData("GovernedCrm.Governance", "Dapper")]
    [InlineData("GovernedCrm.Crm", "ModelContextProtocol")]
    [InlineData("GovernedCrm.Audit", "ModelContextProtocol")]
    [InlineData("GovernedCrm.Audit.Records", "Microsoft.Data.Sqlite")]
    [InlineData("GovernedCrm.Store", "ModelContextProtocol")]
    public void AProject_DoesNotReferenceAPackageItMustNot(string project, string package)
    {
        PackageReferences(project).Should().NotContain(p => p.StartsWith(package, StringComparison.Ordinal));
    }

    [Fact]
    public void TheGovernanceSources_UseNoMcpOrSqliteTypes()
    {
        var offending = Directory.EnumerateFiles(RepositoryRoot.File("src", "GovernedCrm.Governance"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("ModelContextProtocol", StringComparison.Ordinal) || text.Contains("Microsoft.Data.Sqlite", StringComparison.Ordinal)))
            .ToList();

        offending.Should().BeEmpty();
    }

    private static IEnumerable<string> ProjectReferences(string project) =>
        Csproj(project).Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));

    // Every project the project references, directly or through another project.
    private static HashSet<string> ReachableProjects(string project)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var next = new Queue<string>(ProjectReferences(project));
        while (next.TryDequeue(out var reference))
        {
            if (reached.Add(reference))
            {
                foreach (var further in ProjectReferences(reference))
                {
                    next.Enqueue(further);
                }
            }
        }

        return reached;
    }

    private static IEnumerable<string> PackageReferences(string project) =>
        Csproj(project).Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value);

    private static XDocument Csproj(string project) => XDocument.Load(RepositoryRoot.File("src", project, project + ".csproj"));
}
