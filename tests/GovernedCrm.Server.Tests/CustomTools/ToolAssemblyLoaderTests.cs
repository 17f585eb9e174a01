using System.Runtime.Loader;
using GovernedCrm.Crm;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Hosting;
using GovernedCrm.Hosting.CustomTools;
using ModelContextProtocol.Server;

namespace GovernedCrm.Server.Tests.CustomTools;

/// <summary>
/// Loading a tool assembly: its tool classes are found, GovernedCrm and the MCP SDK are the server's own (one copy,
/// the same types), its own dependencies come from its folder, and a tool name already served is refused.
/// </summary>
public sealed class ToolAssemblyLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-toolload-").FullName;

    [Fact]
    public void Load_CloseDealSample_FindsDealTools_InItsOwnContext_WithTheServersTypes()
    {
        var type = ToolAssemblyLoader.Load([ToolAssemblyFiles.CloseDeal]).Should().ContainSingle().Subject;

        type.FullName.Should().Be("GovernedCrm.Samples.CloseDeal.DealTools");
        AssemblyLoadContext.GetLoadContext(type.Assembly).Should().BeOfType<ToolLoadContext>();
        var parameters = type.GetConstructors().Single().GetParameters().Select(p => p.ParameterType).ToList();
        parameters.Should().Equal(typeof(ICrmConnector), typeof(GovernedCallAccessor));
        type.IsDefined(typeof(McpServerToolTypeAttribute), inherit: false).Should().BeTrue();
    }

    [Fact]
    public void ToolLoadContext_ResolvesTheToolsOwnDependency_AndSharesTheServers()
    {
        var context = new ToolLoadContext(ToolAssemblyFiles.Ungoverned);

        var own = context.LoadFromAssemblyName(new System.Reflection.AssemblyName("CsCheck"));
        var shared = context.LoadFromAssemblyName(new System.Reflection.AssemblyName("ModelContextProtocol.Core"));

        AssemblyLoadContext.GetLoadContext(own).Should().BeSameAs(context);
        Path.GetDirectoryName(own.Location).Should().Be(Path.GetDirectoryName(ToolAssemblyFiles.Ungoverned));
        shared.Should().BeSameAs(typeof(McpServerToolTypeAttribute).Assembly);
    }

    [Fact]
    public void Load_SameToolTwice_RefusedNamingTheTool()
    {
        var copy = Path.Combine(_folder, Path.GetFileName(ToolAssemblyFiles.CloseDeal));
        File.Copy(ToolAssemblyFiles.CloseDeal, copy);

        var load = () => ToolAssemblyLoader.Load([ToolAssemblyFiles.CloseDeal, copy]);

        load.Should().Throw<StartupException>().WithMessage($"*{copy} has a tool named 'CRM.CloseDeal', which {ToolAssemblyFiles.CloseDeal} already serves*");
    }

    [Fact]
    public void Load_ServerAssembly_Refused()
    {
        var load = () => ToolAssemblyLoader.Load([typeof(GovernedCallAccessor).Assembly.Location]);

        load.Should().Throw<StartupException>().WithMessage("*is one of the server's own assemblies (GovernedCrm.Mcp)*");
    }

    [Fact]
    public void Load_AssemblyWithoutToolClasses_Refused()
    {
        var path = Path.Combine(Path.GetDirectoryName(ToolAssemblyFiles.Ungoverned)!, "CsCheck.dll");

        var load = () => ToolAssemblyLoader.Load([path]);

        load.Should().Throw<StartupException>().WithMessage("*has no public class marked [McpServerToolType]*");
    }

    [Fact]
    public void Paths_OptionsWin_ElseTheVariableSplitByThePathSeparator()
    {
        string? Environment(string name) => name == ToolAssemblyPaths.EnvironmentVariable
            ? string.Join(Path.PathSeparator, "a.dll", " ", "b.dll", "a.dll")
            : null;

        ToolAssemblyPaths.Resolve(["x.dll"], Environment).Should().Equal(Path.GetFullPath("x.dll"));
        ToolAssemblyPaths.Resolve(null, Environment).Should().Equal(Path.GetFullPath("a.dll"), Path.GetFullPath("b.dll"));
        ToolAssemblyPaths.Resolve([], _ => null).Should().BeEmpty();
    }

    public void Dispose() => TempFolder.Delete(_folder);
}
