namespace GovernedCrm.Testing.Identity;

/// <summary>How to start a <see cref="TestIdentityProvider"/>.</summary>
public sealed record TestIdentityProviderOptions
{
    /// <summary>The registered clients.</summary>
    public required IReadOnlyList<TestClient> Clients { get; init; }

    /// <summary>How long access tokens live at the provider.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long refresh tokens live at the provider.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Scopes the provider knows besides <c>openid</c>, <c>offline_access</c>, <c>profile</c> and <c>email</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["crm.read", "crm.write"];

    /// <summary>
    /// Accounts whose ID tokens carry roles and a tenant (profile scope), by account id; null for none (ID tokens then
    /// hold only what OpenID Connect requires).
    /// </summary>
    public IReadOnlyDictionary<string, TestAccount>? Accounts { get; init; }
}

/// <summary>An account's claims at the test identity provider.</summary>
/// <param name="Roles">The <c>roles</c> claim.</param>
/// <param name="Tenant">The <c>tenant</c> claim.</param>
public sealed record TestAccount(IReadOnlyList<string> Roles, string Tenant);
