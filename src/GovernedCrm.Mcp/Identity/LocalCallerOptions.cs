namespace GovernedCrm.Mcp.Identity;

/// <summary>The caller of a stdio server: the local user the server was started for.</summary>
public sealed class LocalCallerOptions
{
    /// <summary>The user id (GOVERNEDCRM_USER, else the OS user).</summary>
    public string UserId { get; set; } = "local";

    /// <summary>The user's tenant.</summary>
    public string Tenant { get; set; } = GovernedCrm.Governance.Identity.CallerIdentity.DefaultTenant;

    /// <summary>The user's roles.</summary>
    public IReadOnlyList<string> Roles { get; set; } = ["rep"];
}
