using Microsoft.Extensions.Options;

namespace GovernedCrm.Hosting;

/// <summary>Builds the MCP server options now, so a tool without governance metadata stops startup instead of the first call.</summary>
internal static class GovernanceStartupCheck
{
    public static void Run(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<McpServerOptions>>().Value;
        }
        catch (GovernedCrm.Governance.Tools.GovernanceConfigurationException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }
}
