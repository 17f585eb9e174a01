using System.Reflection;

namespace GovernedCrm.Hosting.CustomTools;

/// <summary>
/// Loads custom tool assemblies (<c>--tools PATH.dll</c>, <c>GOVERNEDCRM_TOOLS</c>), each in a <see cref="ToolLoadContext"/>
/// of its own, and finds their tool classes: every public class marked <c>[McpServerToolType]</c>. The server registers
/// them as <c>WithGovernedTools&lt;T&gt;()</c> does, so an ungoverned tool stops it at startup like a built-in one would.
/// A missing or unloadable assembly, one without tool classes, or a tool name already served is a
/// <see cref="StartupException"/>: one line, exit code 2.
/// </summary>
internal static class ToolAssemblyLoader
{
    /// <summary>Loads the assemblies and returns their tool classes, in the order given.</summary>
    /// <param name="paths">The full paths of the tool assemblies.</param>
    /// <returns>The tool classes.</returns>
    /// <exception cref="StartupException">An assembly is missing, cannot be loaded, has no tool class, or reuses a tool name.</exception>
    public static IReadOnlyList<Type> Load(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = ToolNames(ServerTools.Types).ToDictionary(n => n, _ => "the server", StringComparer.Ordinal);
        var types = new List<Type>();
        foreach (var path in paths)
        {
            foreach (var type in ToolTypes(path))
            {
                foreach (var name in ToolNames([type]))
                {
                    if (!names.TryAdd(name, path))
                    {
                        throw new StartupException($"the tools assembly {path} has a tool named '{name}', which {names[name]} already serves");
                    }
                }

                types.Add(type);
            }
        }

        return types;
    }

    private static List<Type> ToolTypes(string path)
    {
        if (!File.Exists(path))
        {
            throw new StartupException($"the tools assembly {path} does not exist ({ToolAssemblyPaths.Option} or ${ToolAssemblyPaths.EnvironmentVariable})");
        }

        var assembly = LoadAssembly(path);
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
        {
            throw new StartupException($"the tools assembly {path} cannot be loaded: {MissingDependency(ex)}", ex);
        }

        var tools = exported
            .Where(t => t.IsClass && !t.IsGenericTypeDefinition && t.IsDefined(typeof(McpServerToolTypeAttribute), inherit: false))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        return tools.Count > 0
            ? tools
            : throw new StartupException($"the tools assembly {path} has no public class marked [McpServerToolType] (built against this server's GovernedCrm and ModelContextProtocol packages?)");
    }

    private static Assembly LoadAssembly(string path)
    {
        var name = TryGetName(path);
        if (ToolLoadContext.IsServerAssembly(name))
        {
            throw new StartupException($"{path} is one of the server's own assemblies ({name}), not a tools assembly");
        }

        try
        {
            return new ToolLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or InvalidOperationException or ArgumentException)
        {
            throw new StartupException($"the tools assembly {path} cannot be loaded: it is not a .NET assembly for this runtime", ex);
        }
    }

    private static string? TryGetName(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Name;
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or IOException or ArgumentException)
        {
            throw new StartupException($"the tools assembly {path} cannot be loaded: it is not a .NET assembly", ex);
        }
    }

    private static string MissingDependency(Exception ex)
    {
        var cause = ex is ReflectionTypeLoadException load ? load.LoaderExceptions.FirstOrDefault(e => e is not null) ?? ex : ex;
        return cause is FileNotFoundException { FileName: { } file }
            ? $"its dependency {new AssemblyName(file).Name} was not found next to it (publish it with its dependencies)"
            : $"its types cannot be read ({cause.GetType().Name})";
    }

    // Each [McpServerTool] method's protocol name (the attribute's Name; the SDK derives one from the method otherwise).
    private static IEnumerable<string> ToolNames(IEnumerable<Type> types) =>
        types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance))
            .Select(m => m.GetCustomAttribute<McpServerToolAttribute>()?.Name)
            .OfType<string>();
}
