using System.Net;
using GovernedCrm.Testing.Identity;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>
/// A headless browser for the connect page: keeps the server's cookies, follows its redirects, and lets the test
/// identity provider sign a given user in (its own pages) until the provider redirects back to the server.
/// </summary>
internal sealed class TestBrowser(HttpClient server, TestIdentityProvider idp)
{
    private readonly CookieContainer _cookies = new();

    /// <summary>Walks a connect URL to its end: signs in as <paramref name="signInUser"/>, authorizes the CRM as <paramref name="crmUser"/>.</summary>
    /// <returns>The last response from the server (200 connected, 403 different user, 4xx otherwise).</returns>
    public async Task<HttpResponseMessage> ConnectAsync(Uri connectUrl, string signInUser, string crmUser)
    {
        var start = await GetAsync(connectUrl);
        if (start.StatusCode != HttpStatusCode.Redirect)
        {
            return start;
        }

        var next = start.Headers.Location!;
        if (next.AbsolutePath != "/connect/callback" && next.Host == idp.Authority.Host && IsSignIn(next))
        {
            var signedIn = await idp.SignInAsync(next, signInUser, new Uri(connectUrl, "/connect/signin"));
            var afterSignIn = await GetAsync(signedIn);
            if (afterSignIn.StatusCode != HttpStatusCode.Redirect)
            {
                return afterSignIn;
            }

            next = afterSignIn.Headers.Location!;
        }

        var authorized = await idp.SignInAsync(next, crmUser, new Uri(connectUrl, "/connect/callback"));
        return await GetAsync(authorized);
    }

    /// <summary>A GET on the server with this browser's cookies.</summary>
    public async Task<HttpResponseMessage> GetAsync(Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var cookies = _cookies.GetCookieHeader(url);
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }

        var response = await server.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            foreach (var cookie in set)
            {
                _cookies.SetCookies(url, cookie);
            }
        }

        return response;
    }

    private static bool IsSignIn(Uri authorize) =>
        System.Web.HttpUtility.ParseQueryString(authorize.Query)["client_id"] == RemoteCrmFixture.SignInClient;
}
