using System.Diagnostics.CodeAnalysis;
using GovernedCrm.Mcp;

namespace GovernedCrm.Hosting;

/// <summary>A governed-crm host being built: add your own governed tools, then build and run the host.</summary>
public sealed class GovernedCrmBuilder
{
    internal GovernedCrmBuilder(IHostApplicationBuilder host, IMcpServerBuilder mcp)
    {
        Host = host;
        Mcp = mcp;
    }

    /// <summary>The host's builder.</summary>
    public IHostApplicationBuilder Host { get; }

    /// <summary>The MCP server builder (for a governance step of your own: <c>WithGovernanceStep</c>).</summary>
    public IMcpServerBuilder Mcp { get; }

    /// <summary>
    /// Adds the tools of <typeparamref name="TTools"/>, served and governed like the built-in tools: validation, the
    /// policy, approval (the queue and its executor run approved calls through the same pipeline) and the audit
    /// trail. A tool without <c>[GovernedTool]</c> stops the host at startup.
    /// </summary>
    /// <typeparam name="TTools">A class marked <c>[McpServerToolType]</c>.</typeparam>
    /// <returns>This builder.</returns>
    public GovernedCrmBuilder WithGovernedTools<[DynamicallyAccessedMembers(
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] TTools>()
        where TTools : class
    {
        Mcp.WithGovernedTools<TTools>();
        return this;
    }
}
