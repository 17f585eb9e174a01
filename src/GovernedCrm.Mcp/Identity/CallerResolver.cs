using System.Security.Claims;
using GovernedCrm.Governance.Identity;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Identity;

/// <summary>
/// Resolves who is calling. An authenticated principal (HTTP with a validated token) wins; otherwise the
/// caller is the configured local user, which is right for stdio, where the server runs as that user.
/// </summary>
/// <param name="local">The local user.</param>
public sealed class CallerResolver(IOptions<LocalCallerOptions> local)
{
    /// <summary>Resolves the caller of one request.</summary>
    /// <param name="user">The request's principal, if the transport authenticated one.</param>
    /// <returns>The caller.</returns>
    public CallerIdentity Resolve(ClaimsPrincipal? user)
    {
        if (user?.Identity is { IsAuthenticated: true } identity)
        {
            var id = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name;
            if (!string.IsNullOrEmpty(id))
            {
                var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray();
                return new CallerIdentity(id, user.FindFirst("tenant")?.Value ?? CallerIdentity.DefaultTenant, roles, "token");
            }
        }

        var options = local.Value;
        return new CallerIdentity(options.UserId, options.Tenant, options.Roles, "local");
    }
}
