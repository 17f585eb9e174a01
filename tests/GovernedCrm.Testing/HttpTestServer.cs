using System.Net.Http.Headers;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace GovernedCrm.Testing;

/// <summary>
/// The in-process launcher of the HTTP host: the real host of <c>serve --http</c> (same pipeline, same startup check)
/// on ASP.NET Core's in-memory test server, or on a real loopback port when <c>urls</c> is given (for a browser).
/// The data folder is removed on dispose.
/// </summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly ILoggerFactory _startupLogs;

    private HttpTestServer(WebApplication app, string folder, ServerResources resources, ILoggerFactory startupLogs)
    {
        App = app;
        Folder = folder;
        Resources = resources;
        _startupLogs = startupLogs;
    }

    /// <summary>The running web application.</summary>
    public WebApplication App { get; }

    /// <summary>The data folder.</summary>
    public string Folder { get; }

    /// <summary>What the host opened in the data folder (CRM, audit trail, approvals).</summary>
    public ServerResources Resources { get; }

    /// <summary>The audit database of the data folder.</summary>
    public string AuditDatabasePath => Resources.AuditPaths.DatabasePath;

    /// <summary>
    /// Starts the host. With <paramref name="jwt"/> every MCP request needs a bearer token; <paramref name="policy"/>
    /// defaults to the built-in policy; <paramref name="logs"/> receives everything logged, down to Trace;
    /// <paramref name="folderPath"/> defaults to a new temporary folder; <paramref name="allowedOrigins"/> is
    /// <c>--allowed-origins</c>; <paramref name="urls"/> (<c>--urls</c>) puts the host on a real port instead of the
    /// test server; <paramref name="web"/> configures the web host further.
    /// </summary>
    public static async Task<HttpTestServer> StartAsync(
        JwtSettings? jwt = null, ServerPolicy? policy = null, ILoggerProvider? logs = null, string? folderPath = null,
        string? allowedOrigins = null, string? urls = null, Action<IWebHostBuilder>? web = null)
    {
        folderPath ??= Directory.CreateTempSubdirectory("governedcrm-http-").FullName;
        var folder = DataFolder.Open(folderPath);
        policy ??= new ServerPolicy(GovernedCrm.Governance.Policy.BuiltInPolicy.Load(), null);
        var startupLogs = LoggerFactory.Create(b =>
        {
            if (logs is not null)
            {
                b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            }
        });
        var resources = await ServerResources.OpenAsync(folder, startupLogs, policy.Connectors, policy.Witnesses, CancellationToken.None);
        var app = HttpServer.Build(folder, resources, new HttpServerSettings(urls ?? HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts, jwt, allowedOrigins),
            policy, host =>
            {
                if (urls is null)
                {
                    host.UseTestServer();
                }

                if (logs is not null)
                {
                    // Everything the server logs, down to Trace, for the tests that look for leaked secrets.
                    host.ConfigureLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
                }

                web?.Invoke(host);
            });
        GovernanceStartupCheck.Run(app.Services);
        await app.StartAsync();
        return new HttpTestServer(app, folderPath, resources, startupLogs);
    }

    /// <summary>An HTTP client for the in-memory test server; with <paramref name="bearerToken"/> every request carries it.</summary>
    public HttpClient CreateHttpClient(string? bearerToken = null)
    {
        var http = App.GetTestClient();
        if (bearerToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return http;
    }

    /// <summary>An MCP client on <paramref name="path"/> of the in-memory test server, over <paramref name="http"/> or a new client with <paramref name="bearerToken"/>.</summary>
    public Task<McpClient> ConnectAsync(string path, HttpTransportMode mode, string? protocolVersion = null, string? bearerToken = null, HttpClient? http = null) =>
        McpClient.CreateAsync(
            new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(App.GetTestServer().BaseAddress, path), TransportMode = mode },
                http ?? CreateHttpClient(bearerToken),
                ownsHttpClient: http is null),
            new McpClientOptions { ProtocolVersion = protocolVersion });

    /// <summary>Every audit entry written so far, all chains.</summary>
    public async Task<List<AuditEntry>> AuditEntriesAsync()
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(AuditDatabasePath, chain: null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Stops the host, closes what it opened and removes the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Resources.DisposeAsync();
        _startupLogs.Dispose();
        TempFolder.Delete(Folder);
    }
}
