using System.Security.Claims;
using GovernedCrm.Governance.Identity;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Identity;

/// <summary>
/// Resolves who is calling. An authenticated principal (HTTP with a validated token) wins; otherwise the
/// caller is the configured local user, which is right for stdio, where the server runs as that user.
/// </summary>
/// <param name="local">The local user.</param>
/// <param name="claims">Which token claims name the user, roles and tenant.</param>
/// <param name="directory">The policy's user directory, which completes identities (roles, tenant); optional.</param>
public sealed class CallerResolver(IOptions<LocalCallerOptions> local, IOptions<TokenClaimOptions> claims, ICallerDirectory? directory = null)
{
    /// <summary>The user id and source of an authenticated principal that does not say who it is.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The source of an identity taken from a validated token.</summary>
    public const string TokenSource = "token";

    /// <summary>Resolves the caller of one request.</summary>
    /// <param name="user">The request's principal, if the transport authenticated one.</param>
    /// <returns>The caller.</returns>
    public CallerIdentity Resolve(ClaimsPrincipal? user)
    {
        if (user?.Identity is { IsAuthenticated: true })
        {
            return Complete(FromToken(user, claims.Value));
        }

        var options = local.Value;
        return Complete(new CallerIdentity(options.UserId, options.Tenant, options.Roles, "local"));
    }

    /// <summary>
    /// The requester of a proposal as they were identified when they proposed (a token caller keeps the token's
    /// roles), completed by the directory as a live call is: an approved proposal runs as this caller.
    /// </summary>
    /// <param name="proposal">The proposal.</param>
    /// <returns>The requester.</returns>
    public CallerIdentity ResolveRequester(GovernedCrm.Governance.Approvals.ApprovalRequest proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return Complete(proposal.RequesterAsProposed());
    }

    // The directory's view wins (roles and tenant from the policy); a caller it does not know keeps the transport's
    // identity, and the policy then denies them everything.
    private CallerIdentity Complete(CallerIdentity caller) => directory?.Resolve(caller) ?? caller;

    // Only the configured claims count: nothing the client sends besides its validated token (headers,
    // _meta, arguments) can name the caller, and a token without a subject is nobody, never the local user.
    private static CallerIdentity FromToken(ClaimsPrincipal user, TokenClaimOptions claims)
    {
        var id = user.FindFirst(claims.UserClaim)?.Value;
        if (string.IsNullOrWhiteSpace(id))
        {
            return new CallerIdentity(Anonymous, CallerIdentity.DefaultTenant, [], Anonymous);
        }

        var tenant = user.FindFirst(claims.TenantClaim)?.Value;
        var roles = user.FindAll(claims.RolesClaim).SelectMany(c => RoleValues(c.Value)).Distinct(StringComparer.Ordinal).ToArray();
        return new CallerIdentity(id, string.IsNullOrWhiteSpace(tenant) ? CallerIdentity.DefaultTenant : tenant, roles, TokenSource);
    }

    // Token handlers turn a JSON array claim into repeated claims, but some keep it as one JSON text.
    private static string[] RoleValues(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    return document.RootElement.EnumerateArray()
                        .Where(e => e.ValueKind == JsonValueKind.String)
                        .Select(e => e.GetString()!.Trim())
                        .Where(r => r.Length > 0)
                        .ToArray();
                }
            }
            catch (JsonException)
            {
                // Not a JSON array of strings: read it as plain text below.
            }
        }

        return trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
