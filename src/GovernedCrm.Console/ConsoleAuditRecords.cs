using GovernedCrm.Audit.Records;
using System.Globalization;

namespace GovernedCrm.AdminConsole;

/// <summary>
/// The audit entries of the console's own acts, in the entry format every other entry has (no new event type): a
/// sign-in, a refused sign-in, the issue of a one-time link, and a verification of the chain. They are told apart by their tool name, in the
/// <c>console</c> target system. Decisions taken in the console are the approval service's entries, with
/// <c>onBehalfOf</c> <see cref="OnBehalfOf"/>. No entry holds a token, a hash of one, or a secret.
/// </summary>
public static class ConsoleAuditRecords
{
    /// <summary>The target system of the console's entries.</summary>
    public const string TargetSystem = "console";

    /// <summary>The tool name of a sign-in (and of a refused one).</summary>
    public const string SignInTool = "Console.SignIn";

    /// <summary>The tool name of issuing a one-time sign-in link.</summary>
    public const string IssueLinkTool = "Console.IssueLink";

    /// <summary>The tool name of a verification of the chain run from the console.</summary>
    public const string VerifyTool = "Console.VerifyChain";

    /// <summary>What decision entries taken in the console record as <c>onBehalfOf</c>.</summary>
    public const string OnBehalfOf = "console";

    /// <summary>A user signed in to the console.</summary>
    /// <param name="user">The user as the policy resolved them.</param>
    /// <param name="method"><c>oidc</c> or <c>link</c>.</param>
    /// <returns>The record.</returns>
    public static AuditRecord SignedIn(CallerIdentity user, string method)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Base(user.Tenant, AuditEventType.Executed, AuditActionType.Read, user.UserId, SignInTool, "signed_in:" + method) with
        {
            Result = new JsonObject { ["method"] = method, ["roles"] = new JsonArray([.. user.Roles.Select(r => (JsonNode)r)]) }.ToJsonString(),
        };
    }

    /// <summary>A sign-in with a one-time link was refused.</summary>
    /// <param name="tenant">The tenant of the link's user when known, else the default tenant.</param>
    /// <param name="actor">The link's user when known, else <c>anonymous</c>.</param>
    /// <param name="code">The refusal's code.</param>
    /// <returns>The record.</returns>
    public static AuditRecord SignInRefused(string tenant, string actor, string code) =>
        Base(tenant, AuditEventType.Denied, AuditActionType.Deny, actor, SignInTool, "denied:" + code);

    /// <summary>A one-time sign-in link was issued.</summary>
    /// <param name="issuer">Who ran <c>console-link</c> (as the policy resolved them).</param>
    /// <param name="user">The user the link signs in (as the policy resolved them).</param>
    /// <param name="expiresAt">When the link stops working.</param>
    /// <param name="onBehalfOf">The OS user who ran the command (<c>os:NAME</c>).</param>
    /// <returns>The record.</returns>
    public static AuditRecord LinkIssued(CallerIdentity issuer, CallerIdentity user, DateTimeOffset expiresAt, string? onBehalfOf)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(user);
        return Base(user.Tenant, AuditEventType.Executed, AuditActionType.Write, issuer.UserId, IssueLinkTool, "issued") with
        {
            OnBehalfOf = onBehalfOf,
            Result = new JsonObject
            {
                ["user"] = user.UserId,
                ["expiresAt"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            }.ToJsonString(),
        };
    }

    /// <summary>A user verified their tenant's chain from the console: what the walk found (no detail text, which may quote the database).</summary>
    /// <param name="user">The user as the policy resolved them.</param>
    /// <param name="result">What the walk found.</param>
    /// <returns>The record.</returns>
    public static AuditRecord Verified(CallerIdentity user, Trail.ChainVerification result)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(result);
        return Base(user.Tenant, AuditEventType.Executed, AuditActionType.Read, user.UserId, VerifyTool, result.Valid ? "valid" : "broken:" + result.Code) with
        {
            Result = new JsonObject
            {
                ["valid"] = result.Valid,
                ["chain"] = result.Chain,
                ["entries"] = result.Entries,
                ["checkpoints"] = result.Checkpoints,
                ["position"] = result.Position,
                ["code"] = result.Code,
                ["elapsedMs"] = result.ElapsedMs,
            }.ToJsonString(),
        };
    }

    /// <summary>A verification run from the console could not complete (the database could not be read, the key is missing).</summary>
    /// <param name="user">The user as the policy resolved them.</param>
    /// <param name="code">Why, as a stable code.</param>
    /// <returns>The record.</returns>
    public static AuditRecord VerifyFailed(CallerIdentity user, string code)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Base(user.Tenant, AuditEventType.Failed, AuditActionType.Read, user.UserId, VerifyTool, "failed:" + code);
    }

    private static AuditRecord Base(string tenant, AuditEventType eventType, AuditActionType action, string actor, string tool, string outcome) => new()
    {
        Tenant = tenant,
        Event = eventType,
        Action = action,
        Actor = actor,
        OnBehalfOf = OnBehalfOf,
        ExecutionId = "console-" + Guid.NewGuid().ToString("N"),
        Tool = tool,
        TargetSystem = TargetSystem,
        Outcome = outcome,
    };
}
