using System.Security.Claims;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.Options;

namespace GovernedCrm.Mcp.Tests;

public sealed class CallerResolverTests
{
    private static readonly LocalCallerOptions Local = new() { UserId = "local-user", Tenant = "local-tenant", Roles = ["rep"] };

    [Fact]
    public void Resolve_NoPrincipal_LocalUser()
    {
        var caller = Resolver().Resolve(null);

        caller.Should().BeEquivalentTo(new CallerIdentity("local-user", "local-tenant", ["rep"], "local"));
    }

    [Fact]
    public void Resolve_UnauthenticatedPrincipalWithSub_LocalUserNotTheClaim()
    {
        var caller = Resolver().Resolve(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "mallory")])));

        caller.UserId.Should().Be("local-user");
        caller.Source.Should().Be("local");
    }

    [Fact]
    public void Resolve_TokenWithSubTenantRoles_TokenIdentity()
    {
        var caller = Resolver().Resolve(Token(("sub", "alice"), ("tenant", "northwind"), ("roles", "rep"), ("roles", "admin")));

        caller.Should().BeEquivalentTo(new CallerIdentity("alice", "northwind", ["rep", "admin"], "token"));
    }

    [Fact]
    public void Resolve_TokenWithoutTenant_DefaultTenant()
    {
        var caller = Resolver().Resolve(Token(("sub", "alice")));

        caller.Tenant.Should().Be(CallerIdentity.DefaultTenant);
        caller.Roles.Should().BeEmpty("a token caller never inherits the local user's roles");
    }

    [Theory]
    [InlineData("""["rep","admin"]""")]
    [InlineData("rep admin")]
    [InlineData("  rep   admin ")]
    [InlineData("""[" rep ", "admin", "", 7]""")]
    public void Resolve_RolesAsJsonArrayOrSpaceSeparated_EachRole(string value)
    {
        var caller = Resolver().Resolve(Token(("sub", "alice"), ("roles", value)));

        caller.Roles.Should().Equal("rep", "admin");
    }

    [Fact]
    public void Resolve_RepeatedRoles_Deduplicated()
    {
        var caller = Resolver().Resolve(Token(("sub", "alice"), ("roles", "rep"), ("roles", "rep admin")));

        caller.Roles.Should().Equal("rep", "admin");
    }

    [Fact]
    public void Resolve_AuthenticatedWithoutSub_AnonymousEvenWithOtherNameClaims()
    {
        var caller = Resolver().Resolve(Token((ClaimTypes.NameIdentifier, "alice"), (ClaimTypes.Name, "alice"), ("preferred_username", "alice"), ("roles", "admin")));

        caller.Should().BeEquivalentTo(new CallerIdentity("anonymous", CallerIdentity.DefaultTenant, [], "anonymous"));
    }

    [Fact]
    public void Resolve_BlankSub_Anonymous()
    {
        Resolver().Resolve(Token(("sub", "  "))).Source.Should().Be("anonymous");
    }

    [Fact]
    public void Resolve_ConfiguredClaimNames_ReadThoseClaimsOnly()
    {
        var resolver = Resolver(new TokenClaimOptions { UserClaim = "oid", RolesClaim = "groups", TenantClaim = "tid" });

        var caller = resolver.Resolve(Token(("sub", "ignored"), ("oid", "u-42"), ("tid", "t-7"), ("groups", "sales"), ("roles", "admin"), ("tenant", "other")));

        caller.Should().BeEquivalentTo(new CallerIdentity("u-42", "t-7", ["sales"], "token"));
    }

    [Fact]
    public void Resolve_MappedRoleClaimType_NotARole()
    {
        var caller = Resolver().Resolve(Token(("sub", "alice"), (ClaimTypes.Role, "admin")));

        caller.Roles.Should().BeEmpty("only the configured roles claim counts");
    }

    private static CallerResolver Resolver(TokenClaimOptions? claims = null) =>
        new(Options.Create(Local), Options.Create(claims ?? new TokenClaimOptions()));

    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "Bearer"));
}
