using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernedCrm.Testing.Identity;

/// <summary>
/// A real OpenID provider (tests/idp: npm oidc-provider) running as a child <c>node</c> process over HTTPS on
/// 127.0.0.1, with a certificate generated for this run and trusted only by the clients this class creates. The
/// process exits when this object is disposed, and on its own when the test process dies (its stdin closes).
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _http;

    private TestIdentityProvider(Process process, string folder, X509Certificate2 certificate, Uri authority)
    {
        _process = process;
        _folder = folder;
        Certificate = certificate;
        Authority = authority;
        _http = CreateHttpClient();
    }

    /// <summary>The issuer and authority, <c>https://127.0.0.1:PORT</c> (no trailing slash, as the provider states it).</summary>
    public Uri Authority { get; }

    /// <summary>The provider's server certificate (self-signed, for IP 127.0.0.1).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authorization endpoint.</summary>
    public Uri AuthorizationEndpoint => new($"{Authority}auth");

    /// <summary>The token endpoint.</summary>
    public Uri TokenEndpoint => new($"{Authority}token");

    /// <summary>Starts the provider and waits until it serves.</summary>
    /// <param name="options">The clients and lifetimes.</param>
    /// <returns>The running provider.</returns>
    /// <exception cref="InvalidOperationException">tests/idp is not installed, or node failed to start.</exception>
    public static async Task<TestIdentityProvider> StartAsync(TestIdentityProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var idpFolder = Path.Combine(RepositoryRoot.Find(), "tests", "idp");
        if (!Directory.Exists(Path.Combine(idpFolder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                $"The test identity provider is not installed: run `npm ci` in {idpFolder} (eng/test.sh does it).");
        }

        var folder = Directory.CreateTempSubdirectory("governedcrm-idp-").FullName;
        var certificate = LoopbackCertificate.Create();
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        LoopbackCertificate.WritePem(certificate, certificatePath, keyPath);
        var configPath = Path.Combine(folder, "config.json");
        await File.WriteAllTextAsync(configPath, Config(options, certificatePath, keyPath).ToJsonString()).ConfigureAwait(false);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = idpFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(idpFolder, "idp.mjs"));
        start.ArgumentList.Add(configPath);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        try
        {
            var authority = await ReadListeningLineAsync(process).ConfigureAwait(false);
            return new TestIdentityProvider(process, folder, certificate, authority);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            Stop(process);
            certificate.Dispose();
            string stderr;
            lock (errors)
            {
                stderr = errors.ToString();
            }

            throw new InvalidOperationException($"The test identity provider did not start: {ex.Message}\n{stderr}", ex);
        }
    }

    /// <summary>An HttpClient that trusts only this provider's certificate.</summary>
    /// <returns>The client; dispose it.</returns>
    public HttpClient CreateHttpClient() => new(LoopbackCertificate.PinnedHandler(Certificate), disposeHandler: true);

    /// <summary>
    /// Signs <paramref name="user"/> in headlessly: follows the redirects from <paramref name="authorizeUrl"/> (with
    /// cookies, the <c>idp_test_user</c> cookie set to the user) until one goes to <paramref name="redirectPrefix"/>.
    /// </summary>
    /// <param name="authorizeUrl">The authorization request URL.</param>
    /// <param name="user">The account to sign in.</param>
    /// <param name="redirectPrefix">Where the client's redirect URI starts.</param>
    /// <returns>The redirect to the client (with <c>code</c> and <c>state</c>, or an error).</returns>
    /// <exception cref="InvalidOperationException">The provider answered something other than a redirect.</exception>
    public async Task<Uri> SignInAsync(Uri authorizeUrl, string user, Uri redirectPrefix)
    {
        ArgumentNullException.ThrowIfNull(authorizeUrl);
        ArgumentNullException.ThrowIfNull(redirectPrefix);
        var cookies = new System.Net.CookieContainer();
        cookies.Add(Authority, new System.Net.Cookie("idp_test_user", Uri.EscapeDataString(user), "/"));
        using var handler = LoopbackCertificate.PinnedHandler(Certificate);
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        handler.CookieContainer = cookies;
        using var browser = new HttpClient(handler, disposeHandler: false);
        var next = authorizeUrl;
        for (var hop = 0; hop < 20; hop++)
        {
            using var response = await browser.GetAsync(next).ConfigureAwait(false);
            var location = response.Headers.Location;
            if ((int)response.StatusCode is < 300 or > 399 || location is null)
            {
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"Sign-in stopped at {next} with {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
            }

            next = location.IsAbsoluteUri ? location : new Uri(next, location);
            if (next.AbsoluteUri.StartsWith(redirectPrefix.AbsoluteUri, StringComparison.Ordinal))
            {
                return next;
            }
        }

        throw new InvalidOperationException($"Sign-in did not reach {redirectPrefix} within 20 redirects.");
    }

    /// <summary>Asks the introspection endpoint about a token, authenticated as a client.</summary>
    /// <param name="token">An access or refresh token.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <returns>What the provider says.</returns>
    public async Task<TokenIntrospection> IntrospectAsync(string token, string clientId, string clientSecret)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        });
        using var response = await _http.PostAsync(new Uri($"{Authority}token/introspection"), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>().ConfigureAwait(false) ?? [];
        return new TokenIntrospection(
            json["active"]?.GetValue<bool>() ?? false,
            json["sub"]?.GetValue<string>(),
            json["client_id"]?.GetValue<string>());
    }

    /// <summary>Revokes every grant of a user at the provider (as the provider's admin or the user would), with their tokens.</summary>
    /// <param name="user">The account.</param>
    /// <returns>How many grants were revoked.</returns>
    public async Task<int> RevokeUserAsync(string user)
    {
        using var response = await _http.PostAsync(new Uri($"{Authority}test/users/{Uri.EscapeDataString(user)}/revoke"), content: null).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>().ConfigureAwait(false) ?? [];
        return json["revokedGrants"]?.GetValue<int>() ?? 0;
    }

    /// <summary>The token endpoint counters, of everyone or of one account (so tests sharing a provider stay apart).</summary>
    /// <param name="user">Only this account's grants; <see langword="null"/> for all.</param>
    /// <returns>The counters.</returns>
    public async Task<IdentityProviderStats> GetStatsAsync(string? user = null)
    {
        var query = user is null ? "" : $"?user={Uri.EscapeDataString(user)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{Authority}test/stats{query}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>().ConfigureAwait(false) ?? [];
        var grants = json["grants"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>(), StringComparer.Ordinal) ?? [];
        var errors = json["errors"]?.AsArray().Select(e => new IdentityProviderGrantError(
            e!["grantType"]?.GetValue<string>(), e["error"]!.GetValue<string>(), e["description"]?.GetValue<string>())).ToList() ?? [];
        return new IdentityProviderStats(grants, json["refreshFailures"]?.GetValue<int>() ?? 0, errors);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        Stop(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        Certificate.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }

    private static JsonObject Config(TestIdentityProviderOptions options, string certificatePath, string keyPath)
    {
        var config = BaseConfig(options, certificatePath, keyPath);
        if (options.Accounts is { } accounts)
        {
            config["accounts"] = new JsonObject(accounts.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)new JsonObject
            {
                ["roles"] = new JsonArray([.. a.Value.Roles.Select(r => JsonValue.Create(r))]),
                ["tenant"] = a.Value.Tenant,
            })));
        }

        return config;
    }

    private static JsonObject BaseConfig(TestIdentityProviderOptions options, string certificatePath, string keyPath) => new()
    {
        ["port"] = 0,
        ["certPath"] = certificatePath,
        ["keyPath"] = keyPath,
        ["accessTokenTtl"] = (int)options.AccessTokenLifetime.TotalSeconds,
        ["refreshTokenTtl"] = (int)options.RefreshTokenLifetime.TotalSeconds,
        ["scopes"] = new JsonArray([.. options.Scopes.Select(s => JsonValue.Create(s))]),
        ["clients"] = new JsonArray([.. options.Clients.Select(c => new JsonObject
        {
            ["client_id"] = c.ClientId,
            ["client_secret"] = c.ClientSecret,
            ["redirect_uris"] = new JsonArray([.. c.RedirectUris.Select(u => JsonValue.Create(u.AbsoluteUri))]),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "client_secret_post",
        })]),
    };

    private static async Task<Uri> ReadListeningLineAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"node exited (code {(process.HasExited ? process.ExitCode : -1)}) before listening.");
            const string prefix = "listening ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new Uri(line[prefix.Length..].Trim());
            }
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.StandardInput.Close();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
