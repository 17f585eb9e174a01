namespace GovernedCrm.Mcp.Identity;

/// <summary>
/// Which claims of an authenticated principal (an HTTP caller's validated token) name the caller. The names are
/// matched exactly as they appear in the token, so the host must not map inbound claim types.
/// </summary>
public sealed class TokenClaimOptions
{
    /// <summary>The default <see cref="UserClaim"/>: the token's subject.</summary>
    public const string DefaultUserClaim = "sub";

    /// <summary>The default <see cref="RolesClaim"/>.</summary>
    public const string DefaultRolesClaim = "roles";

    /// <summary>The default <see cref="TenantClaim"/>.</summary>
    public const string DefaultTenantClaim = "tenant";

    /// <summary>The claim holding the user's stable id. A principal without it is anonymous.</summary>
    public string UserClaim { get; set; } = DefaultUserClaim;

    /// <summary>
    /// The claim holding the user's roles: a JSON array, the claim repeated, or one space-separated string.
    /// </summary>
    public string RolesClaim { get; set; } = DefaultRolesClaim;

    /// <summary>The claim holding the user's tenant; without it the caller is in <c>default</c>.</summary>
    public string TenantClaim { get; set; } = DefaultTenantClaim;
}
