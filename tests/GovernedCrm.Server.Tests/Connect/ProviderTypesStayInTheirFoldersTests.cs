using System.Reflection;
using System.Text.RegularExpressions;
using GovernedCrm.Crm.Providers;
using GovernedCrm.Server.Tests.Packaging;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>
/// A reference check over src/: a provider's types (its connector, options, defaults, provider entry, ...) are named
/// only in the provider's own folder and in the registry's list of built-in providers, so that adding a provider touches
/// its folder and one registration line, and nothing else switches on a provider.
/// </summary>
public sealed class ProviderTypesStayInTheirFoldersTests
{
    private const string RegistryFile = "src/GovernedCrm.Crm/Providers/CrmProviderRegistry.cs";

    [Fact]
    public void NoFileOutsideAProvidersFolderAndTheRegistry_NamesAProviderSpecificType()
    {
        var registry = CrmProviderRegistry.BuiltIn();
        var providers = registry.Providers.Select(p => (Namespace: p.GetType().Namespace!, Folder: FolderOf(p.GetType()))).ToList();
        var names = providers
            .SelectMany(p => typeof(CrmProviderRegistry).Assembly.GetTypes()
                .Where(t => t.Namespace == p.Namespace && !t.IsNested && !t.Name.Contains('<', StringComparison.Ordinal))
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
                    .Where(m => m.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute)))
                    .Select(m => m.Name)
                    .Prepend(t.Name.Split('`')[0])))
            .Concat(providers.Select(p => p.Namespace))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        names.Should().Contain(["HubSpotCrmConnector", "SalesforceCrmConnector", "HubSpotCrmOptions", "HubSpotProvider", "SalesforceProvider", "GovernedCrm.Crm.HubSpot"]);
        var pattern = new Regex($@"(?<!\w)({string.Join('|', names.Select(Regex.Escape))})(?!\w)", RegexOptions.CultureInvariant);

        var offenders = Directory.EnumerateFiles(RepositoryRoot.File("src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => f != RegistryFile && !providers.Any(p => f.StartsWith(p.Folder + "/", StringComparison.Ordinal)))
            .SelectMany(f => File.ReadLines(RepositoryRoot.File(f)).Select((line, i) => (f, i, line)))
            .Where(x => pattern.IsMatch(x.line))
            .Select(x => $"{x.f}:{x.i + 1}: {pattern.Match(x.line).Value}")
            .ToList();

        offenders.Should().BeEmpty("a provider's types belong in its folder; everything else goes through the CrmProviderRegistry");
        File.ReadAllText(RepositoryRoot.File(RegistryFile)).Should().Contain("new HubSpotProvider()").And.Contain("new SalesforceProvider()");
    }

    // GovernedCrm.Crm.HubSpot in assembly GovernedCrm.Crm -> src/GovernedCrm.Crm/HubSpot.
    private static string FolderOf(Type type)
    {
        var assembly = type.Assembly.GetName().Name!;
        return "src/" + assembly + "/" + type.Namespace![(assembly.Length + 1)..].Replace('.', '/');
    }
}
