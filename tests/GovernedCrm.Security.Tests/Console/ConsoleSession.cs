using System.Net;
using System.Text.RegularExpressions;
using GovernedCrm.AdminConsole.SignIn;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Store;
using GovernedCrm.Store.ConsoleLinks;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Security.Tests.Console;

/// <summary>
/// A browser stand-in for the console on the in-memory test server: keeps cookies, follows nothing by itself, and
/// signs in with a one-time link as a person does (open the link, press "Sign in").
/// </summary>
internal sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleSession(HttpTestServer server)
    {
        Server = server;
        _http = new HttpClient(new CookieHandler(Cookies) { InnerHandler = server.App.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("http://localhost/") };
    }

    public HttpTestServer Server { get; }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Issues a link for <paramref name="user"/> as <c>console-link</c> does (by adam, the admin), with the server's audit trail.</summary>
    public static async Task<string> IssueLinkAsync(HttpTestServer server, string user, TimeProvider? time = null, TimeSpan? lifetime = null)
    {
        var links = new SqliteConsoleLinkStore(GovernanceDatabase.InDataFolder(server.Folder));
        var issuer = new ConsoleLinkIssuer(links, server.App.Services.GetRequiredService<IAuditTrail>(), time ?? TimeProvider.System);
        var (token, _) = await issuer.IssueAsync(
            new CallerIdentity("adam", "default", ["admin"], "local"), new CallerIdentity(user, "default", [], "local"), lifetime ?? ConsoleLinkTokens.DefaultLifetime, "os:test", CancellationToken.None);
        return token;
    }

    /// <summary>Opens the link and presses "Sign in"; returns the POST's answer.</summary>
    public async Task<HttpResponseMessage> UseLinkAsync(string token)
    {
        using var open = await GetAsync($"/console/link?token={token}");
        open.StatusCode.Should().Be(HttpStatusCode.Found);
        open.Headers.Location!.OriginalString.Should().Be("/console/link", "the token leaves the address bar at once");
        var page = await GetStringAsync("/console/link");
        return await PostAsync("/console/link", new Dictionary<string, string> { ["__csrf"] = Csrf(page) });
    }

    /// <summary>Signs in as <paramref name="user"/> with a fresh link.</summary>
    public async Task SignInAsync(string user)
    {
        using var answer = await UseLinkAsync(await IssueLinkAsync(Server, user));
        answer.StatusCode.Should().Be(HttpStatusCode.Found);
        answer.Headers.Location!.OriginalString.Should().Be("/console");
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }

    public Task<HttpResponseMessage> PostAsync(string path, IDictionary<string, string> form) =>
        _http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));

    /// <summary>The antiforgery token of the first form of a page.</summary>
    public static string Csrf(string html) => CsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery field in the page");

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    cookies.SetCookies(request.RequestUri!, value);
                }
            }

            return response;
        }
    }
}
