using System.Security.Claims;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp.Identity;

namespace GovernedCrm.AdminConsole.Security;

/// <summary>
/// Who a console session is, resolved on every request so that a policy change applies at once. A session opened
/// through OpenID Connect holds the ID token's claims and is resolved exactly as an MCP caller with a bearer token
/// (<see cref="CallerResolver"/>: the same claim options and the policy's user directory). A session opened with a
/// one-time link names a policy user, resolved as a local user is (roles and tenant from the policy).
/// </summary>
/// <param name="resolver">The MCP endpoint's caller resolver.</param>
/// <param name="directory">The policy's user directory.</param>
public sealed class ConsoleCaller(CallerResolver resolver, ICallerDirectory? directory = null)
{
    /// <summary>The source of a caller signed in with a one-time link, as stdio callers are.</summary>
    public const string LinkSource = "local";

    /// <summary>The caller of a signed-in session.</summary>
    /// <param name="user">The session's principal.</param>
    /// <returns>The caller.</returns>
    /// <exception cref="InvalidOperationException">The principal is not signed in (the console never serves the local user).</exception>
    public CallerIdentity Resolve(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true })
        {
            throw new InvalidOperationException("The console resolves signed-in sessions only.");
        }

        if (user.FindFirst(ConsoleSchemes.LinkUserClaim)?.Value is { Length: > 0 } name)
        {
            // A user the policy no longer knows keeps the bare identity, which the policy then denies everything (as over MCP).
            return ResolveLinkUser(name) ?? new CallerIdentity(name, CallerIdentity.DefaultTenant, [], LinkSource);
        }

        return resolver.Resolve(user);
    }

    /// <summary>The policy user a one-time link names, as a local user is resolved; null when the policy does not know them.</summary>
    /// <param name="name">The user's name.</param>
    /// <returns>The user, or null.</returns>
    public CallerIdentity? ResolveLinkUser(string name)
    {
        var local = new CallerIdentity(name, CallerIdentity.DefaultTenant, [], LinkSource);
        return directory is null ? local : directory.Resolve(local);
    }
}
