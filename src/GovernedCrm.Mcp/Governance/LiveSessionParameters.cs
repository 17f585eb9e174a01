using System.Reflection;
using System.Security.Claims;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Finds tool parameters that only a live client session can supply (the MCP server to ask the client, the request
/// context, progress, the transport's user): an approved proposal runs after its session is gone, so a tool that
/// needs one of them cannot run then.
/// </summary>
internal static class LiveSessionParameters
{
    /// <summary>The first such parameter of <paramref name="method"/>, or null.</summary>
    public static ParameterInfo? Find(MethodInfo method) =>
        method.GetParameters().FirstOrDefault(p => NeedsLiveSession(p.ParameterType));

    private static bool NeedsLiveSession(Type type) =>
        typeof(McpServer).IsAssignableFrom(type)
        || typeof(ClaimsPrincipal).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(RequestContext<>))
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IProgress<>));
}
