using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Runs when the server's options are built (at startup): every tool must carry governance metadata,
/// or the server refuses to start with a message that says what to add.
/// </summary>
/// <param name="catalog">Receives the metadata of every tool.</param>
/// <param name="methods">The methods behind tools registered with WithGovernedTools.</param>
/// <param name="services">Builds the governance pipeline at startup.</param>
internal sealed class GovernedToolValidation(GovernedToolCatalog catalog, GovernedToolMethods methods, IServiceProvider services) : IPostConfigureOptions<McpServerOptions>
{
    public void PostConfigure(string? name, McpServerOptions options)
    {
        foreach (var tool in options.ToolCollection ?? [])
        {
            var toolName = tool.ProtocolTool.Name;
            if (methods.TryGet(toolName, out var method))
            {
                catalog.Register(toolName, method);
            }
            else
            {
                catalog.Register(toolName, $"tool '{toolName}'", tool.Metadata);
            }
        }

        // The pipeline is built now, not at the first call: a missing port or a misplaced step stops the server at startup.
        _ = services.GetRequiredService<GovernedCrm.Governance.Pipeline.GovernancePipeline>();
    }
}
