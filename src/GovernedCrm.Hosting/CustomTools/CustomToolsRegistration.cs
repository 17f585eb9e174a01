using GovernedCrm.Mcp;

namespace GovernedCrm.Hosting.CustomTools;

/// <summary>Registers the tool classes of custom tool assemblies on the server, governed like the built-in tools.</summary>
internal static class CustomToolsRegistration
{
    /// <summary>Adds each class as <c>WithGovernedTools&lt;T&gt;()</c> does.</summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="toolTypes">The classes found by <see cref="ToolAssemblyLoader"/>.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithCustomTools(this IMcpServerBuilder builder, IReadOnlyList<Type> toolTypes)
    {
        foreach (var type in toolTypes)
        {
            builder.WithGovernedTools(type);
        }

        return builder;
    }
}
