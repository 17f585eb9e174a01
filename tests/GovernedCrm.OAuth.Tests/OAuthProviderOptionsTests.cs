namespace GovernedCrm.OAuth.Tests;

public sealed class OAuthProviderOptionsTests
{
    [Fact]
    public void Validate_OidcWithAuthority_Passes()
    {
        var options = new OAuthProviderOptions { Name = "sf", Kind = OAuthProviderKind.Oidc, Authority = new Uri("https://login.example.test"), ClientId = "c", ClientSecret = "s" };

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Fact]
    public void Validate_OAuth2WithoutEndpointsOrScopes_ListsEveryProblem()
    {
        var options = new OAuthProviderOptions { Name = "hubspot", Kind = OAuthProviderKind.OAuth2, ClientId = "", ClientSecret = "s" };

        options.Invoking(o => o.Validate()).Should().Throw<OAuthConfigurationException>()
            .WithMessage("OAuth provider 'hubspot' is misconfigured: client id is required; authorization endpoint is required; token endpoint is required; at least one scope is required.");
    }

    [Fact]
    public void Validate_HttpAuthority_IsRefused()
    {
        var options = new OAuthProviderOptions { Name = "sf", Kind = OAuthProviderKind.Oidc, Authority = new Uri("http://127.0.0.1:8080"), ClientId = "c", ClientSecret = "s" };

        options.Invoking(o => o.Validate()).Should().Throw<OAuthConfigurationException>().WithMessage("*authority must be an absolute https URL*");
    }

    [Fact]
    public void Validate_Always_NeverShowsTheSecret()
    {
        var options = new OAuthProviderOptions { Name = "sf", Kind = OAuthProviderKind.Oidc, ClientId = "c", ClientSecret = "very-secret-value" };

        options.Invoking(o => o.Validate()).Should().Throw<OAuthConfigurationException>().Which.Message.Should().NotContain("very-secret-value");
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var options = new OAuthProviderOptions { Name = "sf", Kind = OAuthProviderKind.Oidc, ClientId = "c", ClientSecret = "very-secret-value" };

        options.ToString().Should().Contain("sf").And.NotContain("very-secret-value");
        (options with { Name = "other" }).ToString().Should().NotContain("very-secret-value");
    }
}
