using System.Reflection;
using System.Runtime.Loader;

namespace GovernedCrm.Hosting.CustomTools;

/// <summary>
/// The load context of one custom tool assembly. Its own dependencies resolve from its folder (its <c>.deps.json</c>,
/// through <see cref="AssemblyDependencyResolver"/>); every assembly the server itself ships (GovernedCrm.*, the MCP SDK,
/// Microsoft.Extensions.*, the framework) is the server's own copy, loaded once: the tool's
/// <c>[GovernedTool]</c>, <c>ICrmConnector</c> or <c>GovernedCallAccessor</c> are then the very types the server uses.
/// </summary>
internal sealed class ToolLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<IReadOnlySet<string>> ServerAssemblies = new(ReadServerAssemblies);

    private readonly AssemblyDependencyResolver _resolver;

    public ToolLoadContext(string assemblyPath)
        : base("governed-crm tools: " + Path.GetFileName(assemblyPath))
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    /// <summary>True when the server ships an assembly of this name (it is then shared, never loaded from the tool's folder).</summary>
    /// <param name="name">The assembly's simple name.</param>
    /// <returns>True for the server's own assemblies.</returns>
    public static bool IsServerAssembly(string? name) => name is not null && ServerAssemblies.Value.Contains(name);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsServerAssembly(assemblyName.Name))
        {
            return null; // the default context: the server's copy
        }

        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    // The trusted platform assemblies: the framework's and the server's own (from governed-crm.deps.json).
    private static HashSet<string> ReadServerAssemblies() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Concat(AssemblyLoadContext.Default.Assemblies.Select(a => a.GetName().Name).OfType<string>())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
