using GovernedCrm.Hosting;

namespace GovernedCrm.Server.Tests.Hosting;

public sealed class AllowedOriginsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5180", true)]
    [InlineData("http://localhost:5180", false)]
    [InlineData("http://127.0.0.1:5181", false)]
    [InlineData("https://127.0.0.1:5180", false)]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://app.example.com:443", false)]
    [InlineData("https://app.example.com/", false)]
    [InlineData("https://app.example.com/x", false)]
    [InlineData("https://user@app.example.com", false)]
    [InlineData("https://app.example.com.evil.example", false)]
    [InlineData("http://app.example.com", false)]
    [InlineData("https://crm.example.com", true)]
    [InlineData("https://gateway.example.com", true)]
    [InlineData("null", false)]
    [InlineData("", false)]
    [InlineData("file://", false)]
    public void IsAllowed_OwnAndConfiguredOriginsExactly(string origin, bool allowed)
    {
        var origins = AllowedOrigins.Resolve(
            new HttpServerSettings(HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts, AllowedOrigins: "https://app.example.com/; https://crm.example.com"),
            new Uri("https://gateway.example.com/base/"));

        origins.IsAllowed(origin, []).Should().Be(allowed);
    }

    [Fact]
    public void IsAllowed_BoundAddress_IsTheServersOwn()
    {
        var origins = AllowedOrigins.Resolve(new HttpServerSettings("http://127.0.0.1:0", HttpServer.DefaultAllowedHosts), publicUrl: null);

        origins.IsAllowed("http://127.0.0.1:43123", ["http://127.0.0.1:43123"]).Should().BeTrue();
        origins.IsAllowed("http://127.0.0.1:43124", ["http://127.0.0.1:43123"]).Should().BeFalse();
    }

    [Fact]
    public void Resolve_ConfiguredOrigins_SerializedLowerCaseWithoutDefaultPort()
    {
        var origins = AllowedOrigins.Resolve(
            new HttpServerSettings(HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts, AllowedOrigins: "HTTPS://App.Example.com:443;http://localhost:6274"), null);

        origins.Configured.Should().Equal("https://app.example.com", "http://localhost:6274");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("null")]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    [InlineData("https://app.example.com?x")]
    public void Resolve_NotAnOrigin_StartupException(string value)
    {
        var act = () => AllowedOrigins.Resolve(new HttpServerSettings(HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts, AllowedOrigins: value), null);

        act.Should().Throw<StartupException>().Which.Message.Should().StartWith($"--allowed-origins (or GOVERNEDCRM_ALLOWED_ORIGINS): '{value}' is not an origin");
    }
}
