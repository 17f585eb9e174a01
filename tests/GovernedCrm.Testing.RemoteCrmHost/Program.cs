using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Testing.CrmDoubles;
using GovernedCrm.Testing.Identity;
using GovernedCrm.Testing.RemoteCrmHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage: GovernedCrm.Testing.RemoteCrmHost SERVER_BASE_URL WORK_FOLDER
// Starts the OpenID provider (clients for SERVER_BASE_URL's /connect/signin and /connect/callback), the HubSpot double
// (tokens checked by introspection) with 60 seeded contacts, writes WORK_FOLDER/connectors.json and the MCP issuer's
// JWKS, prints one JSON line describing all of it, and serves the control API until stdin closes.
if (args.Length != 2 || !Uri.TryCreate(args[0], UriKind.Absolute, out var serverBase))
{
    await Console.Error.WriteLineAsync("usage: GovernedCrm.Testing.RemoteCrmHost SERVER_BASE_URL WORK_FOLDER");
    return 2;
}

var work = Directory.CreateDirectory(args[1]).FullName;
serverBase = new Uri(serverBase.AbsoluteUri.TrimEnd('/') + "/");
const string SignInClient = "governed-crm-signin";
const string CrmClient = "hubspot-app";
var signInSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
var crmSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

await using var idp = await TestIdentityProvider.StartAsync(new TestIdentityProviderOptions
{
    Clients =
    [
        new TestClient(SignInClient, signInSecret, [new Uri(serverBase, "connect/signin")]),
        new TestClient(CrmClient, crmSecret, [new Uri(serverBase, "connect/callback")]),
    ],
});
var certificateFile = Path.Combine(work, "idp.pem");
await File.WriteAllTextAsync(certificateFile, idp.Certificate.ExportCertificatePem());

var seen = new ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
await using var hubspot = new HubSpotDouble(async (token, _) =>
{
    var introspection = await idp.IntrospectAsync(token, CrmClient, crmSecret);
    seen[token] = introspection.Subject;
    return introspection.Active ? introspection.Subject : null;
});
await hubspot.StartAsync();
var contacts = Enumerable.Range(0, 60).Select(i => hubspot.Seed("contacts", new Dictionary<string, string?>
{
    ["email"] = $"e2e{i}@example.test", ["firstname"] = $"First{i}", ["lastname"] = "Remote",
})).ToList();

using var issuer = new McpTokenIssuer(work, new Uri(serverBase, "mcp").AbsoluteUri);
var connectors = Path.Combine(work, "connectors.json");
await File.WriteAllTextAsync(connectors, new JsonObject
{
    ["publicUrl"] = serverBase.AbsoluteUri,
    ["signIn"] = new JsonObject { ["authority"] = idp.Authority.AbsoluteUri, ["clientId"] = SignInClient, ["clientSecretVariable"] = "E2E_SIGNIN_SECRET" },
    ["providers"] = new JsonObject
    {
        ["hubspot"] = new JsonObject
        {
            ["type"] = "hubspot",
            ["clientId"] = CrmClient,
            ["clientSecretVariable"] = "E2E_HUBSPOT_SECRET",
            ["scopes"] = new JsonArray("crm.read", "crm.write", "offline_access"),
            ["authorizeUrl"] = idp.AuthorizationEndpoint.AbsoluteUri,
            ["tokenUrl"] = idp.TokenEndpoint.AbsoluteUri,
            ["apiBaseUrl"] = hubspot.BaseAddress.AbsoluteUri,
        },
    },
    ["tenants"] = new JsonObject { ["default"] = "hubspot" },
    ["trustedCertificates"] = new JsonArray(certificateFile),
}.ToJsonString());

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.Logging.ClearProviders();
builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
builder.Services.AddRoutingCore();
var control = builder.Build();
control.UseRouting();
control.MapGet("/token", context => context.Response.WriteAsync(issuer.Token(context.Request.Query["sub"].ToString())));
control.MapPost("/sign-in", async context =>
{
    var body = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body);
    try
    {
        var location = await idp.SignInAsync(new Uri(body!["url"]!.GetValue<string>()), body["user"]!.GetValue<string>(), new Uri(body["redirectPrefix"]!.GetValue<string>()));
        await context.Response.WriteAsJsonAsync(new { location = location.AbsoluteUri });
    }
    catch (InvalidOperationException ex)
    {
        context.Response.StatusCode = 502;
        await context.Response.WriteAsJsonAsync(new { error = ex.Message });
    }
});
control.MapGet("/calls", context => context.Response.WriteAsJsonAsync(hubspot.Calls.Select(c => new { user = c.User, method = c.Method, path = c.Path, status = c.Status })));
control.MapPost("/refuse-token", context =>
{
    var user = context.Request.Query["user"].ToString();
    foreach (var token in seen.Where(t => t.Value == user).Select(t => t.Key))
    {
        hubspot.RefuseToken(token);
    }

    return Task.CompletedTask;
});
control.MapPost("/revoke", async context => await context.Response.WriteAsJsonAsync(new { revoked = await idp.RevokeUserAsync(context.Request.Query["user"].ToString()) }));
control.MapGet("/stats", async context => await context.Response.WriteAsJsonAsync(await idp.GetStatsAsync(context.Request.Query["user"].ToString())));
control.MapGet("/seen-tokens", context => context.Response.WriteAsJsonAsync(seen.Keys));
await control.StartAsync();
var controlUrl = control.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

Console.WriteLine(new JsonObject
{
    ["control"] = controlUrl,
    ["connectors"] = connectors,
    ["jwks"] = issuer.JwksFile,
    ["issuer"] = McpTokenIssuer.Issuer,
    ["audience"] = issuer.Audience,
    ["contacts"] = new JsonArray(contacts.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
    ["environment"] = new JsonObject { ["E2E_SIGNIN_SECRET"] = signInSecret, ["E2E_HUBSPOT_SECRET"] = crmSecret },
}.ToJsonString());

// Runs until the test closes stdin (or dies, which closes it too).
await Console.In.ReadToEndAsync();
await control.StopAsync();
return 0;
