using System.Reflection;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Tools;

namespace GovernedCrm.Hosting;

/// <summary>The governed tools this server exposes, for commands that need their metadata without a running server.</summary>
internal static class ServerTools
{
    public static IReadOnlyList<Type> Types { get; } = [typeof(CrmTools), typeof(ApprovalTools), typeof(Tools.AuditTools)];

    /// <summary>A catalog of the server's built-in tools, read from their attributes.</summary>
    /// <returns>The catalog.</returns>
    public static GovernedToolCatalog Catalog() => Catalog(Types);

    /// <summary>A catalog of the given tool classes, read from their attributes.</summary>
    /// <param name="types">The tool classes.</param>
    /// <returns>The catalog.</returns>
    public static GovernedToolCatalog Catalog(IEnumerable<Type> types)
    {
        var catalog = new GovernedToolCatalog();
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance))
            {
                if (method.GetCustomAttribute<McpServerToolAttribute>() is { Name: { } name })
                {
                    catalog.Register(name, method);
                }
            }
        }

        return catalog;
    }
}
