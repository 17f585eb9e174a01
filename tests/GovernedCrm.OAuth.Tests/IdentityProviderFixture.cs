using System.Security.Cryptography;
using GovernedCrm.Testing.Identity;

namespace GovernedCrm.OAuth.Tests;

/// <summary>
/// One real identity provider per test class (starting node takes a second or two), with two registered clients: one
/// driven by MSAL, one by the plain OAuth 2.0 client. Tests stay apart by using their own user names.
/// </summary>
public class IdentityProviderFixture : IAsyncLifetime
{
    public const string Oidc = "oidc-crm";
    public const string OAuth2 = "oauth2-crm";

    public static readonly Uri RedirectUri = new("https://governedcrm.test/oauth/callback");

    public TestIdentityProvider Idp { get; private set; } = null!;

    public string OidcSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string OAuth2Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>How long the provider's access tokens live.</summary>
    protected virtual TimeSpan AccessTokenLifetime => TimeSpan.FromHours(1);

    public async Task InitializeAsync() => Idp = await TestIdentityProvider.StartAsync(new TestIdentityProviderOptions
    {
        Clients =
        [
            new TestClient(Oidc, OidcSecret, [RedirectUri]),
            new TestClient(OAuth2, OAuth2Secret, [RedirectUri]),
        ],
        AccessTokenLifetime = AccessTokenLifetime,
    });

    public async Task DisposeAsync() => await Idp.DisposeAsync();
}
