using System.Security.Claims;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Identity;

/// <summary>
/// Resolves who is calling. An authenticated principal (HTTP with a validated token) wins; otherwise the
/// caller is the configured local user, which is right for stdio, where the server runs as that user.
/// </summary>
/// <param name="local">The local user.</param>
/// <param name="directory">The policy's user directory, which completes identities (roles, tenant); optional.</param>
public sealed class CallerResolver(IOptions<LocalCallerOptions> local, ICallerDirectory? directory = null)
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
                return Complete(new CallerIdentity(id, user.FindFirst("tenant")?.Value ?? CallerIdentity.DefaultTenant, roles, "token"));
            }
        }

        var options = local.Value;
        return Complete(new CallerIdentity(options.UserId, options.Tenant, options.Roles, "local"));
    }

    // The directory's view wins (roles and tenant from the policy); a caller it does not know keeps the transport's
    // identity, and the policy then denies them everything.
    private CallerIdentity Complete(CallerIdentity caller) => directory?.Resolve(caller) ?? caller;
}
