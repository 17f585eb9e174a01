using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>
/// An authorization server's discovery endpoints on a real loopback port: <c>/realm/.well-known/openid-configuration</c>
/// pointing to <c>/realm/jwks</c>, which serves the test issuer's public keys.
/// </summary>
internal sealed class DiscoveryIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DiscoveryIssuer(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    /// <summary>The issuer URL (http on loopback, which the server accepts for discovery in development).</summary>
    public string Issuer { get; }

    public int DiscoveryRequests { get; private set; }

    public static async Task<DiscoveryIssuer> StartAsync(string jwks)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        DiscoveryIssuer? self = null;
        app.MapGet("/realm/.well-known/openid-configuration", (HttpContext context) =>
        {
            self!.DiscoveryRequests++;
            var issuer = $"{context.Request.Scheme}://{context.Request.Host}/realm";
            return Results.Json(new Dictionary<string, object> { ["issuer"] = issuer, ["jwks_uri"] = issuer + "/jwks" });
        });
        app.MapGet("/realm/jwks", () => Results.Text(jwks, "application/json"));
        await app.StartAsync();
        self = new DiscoveryIssuer(app, app.Urls.Single() + "/realm");
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
