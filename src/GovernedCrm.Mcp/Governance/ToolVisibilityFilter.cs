using GovernedCrm.Mcp.Identity;

namespace GovernedCrm.Mcp.Governance;

/// <summary>A list-tools filter that leaves out the tools the caller may never call (admin tools for non-admins).</summary>
internal static class ToolVisibilityFilter
{
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> Create(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken).ConfigureAwait(false);
            if (context.Services?.GetService<IGovernancePolicy>() is not IToolVisibilityPolicy visibility)
            {
                return result;
            }

            var catalog = context.Services.GetRequiredService<GovernedToolCatalog>();
            var caller = context.Services.GetRequiredService<CallerResolver>().Resolve(context.User);
            result.Tools = result.Tools
                .Where(t => !catalog.TryGetGoverned(t.Name, out var descriptor) || visibility.IsVisible(descriptor, caller))
                .ToList();
            return result;
        };
}
