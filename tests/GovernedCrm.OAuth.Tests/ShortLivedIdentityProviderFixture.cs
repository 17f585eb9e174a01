namespace GovernedCrm.OAuth.Tests;

/// <summary>A provider whose access tokens live two minutes: inside MSAL's own five-minute "expires soon" window.</summary>
public sealed class ShortLivedIdentityProviderFixture : IdentityProviderFixture
{
    protected override TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(2);
}
