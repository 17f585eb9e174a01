using System.Net.Http.Headers;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>The real HTTP host (same pipeline as <c>serve --http</c>) on ASP.NET Core's in-memory test server.</summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly string _folder;
    private Microsoft.Extensions.Logging.ILoggerFactory? _startupLogs;

    private HttpTestServer(WebApplication app, string folder, ServerResources resources)
    {
        App = app;
        Resources = resources;
        _folder = folder;
    }

    public WebApplication App { get; }

    public string Folder => _folder;

    public ServerResources Resources { get; }

    public string AuditDatabasePath => Resources.AuditPaths.DatabasePath;

    /// <summary>
    /// Starts the server; with <paramref name="jwt"/> every MCP request needs a bearer token; <paramref name="allowedOrigins"/>
    /// is <c>--allowed-origins</c>.
    /// </summary>
    public static async Task<HttpTestServer> StartAsync(
        JwtSettings? jwt = null, ServerPolicy? policy = null, Microsoft.Extensions.Logging.ILoggerProvider? logs = null, string? folderPath = null,
        string? allowedOrigins = null)
    {
        folderPath ??= Directory.CreateTempSubdirectory("governedcrm-http-").FullName;
        var folder = DataFolder.Open(folderPath);
        policy ??= new ServerPolicy(GovernedCrm.Governance.Policy.BuiltInPolicy.Load(), null);
        var startupLogs = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            if (logs is not null)
            {
                b.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
            }
        });
        var resources = await ServerResources.OpenAsync(folder, startupLogs, policy.Connectors, CancellationToken.None);
        var app = HttpServer.Build(folder, resources, new HttpServerSettings(HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts, jwt, allowedOrigins),
            policy, web =>
            {
                web.UseTestServer();
                if (logs is not null)
                {
                    // Everything the server logs, down to Trace, for the tests that look for leaked secrets.
                    web.ConfigureLogging(b => b.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
                }
            });
        GovernanceStartupCheck.Run(app.Services);
        await app.StartAsync();
        return new HttpTestServer(app, folderPath, resources) { _startupLogs = startupLogs };
    }

    /// <summary>An HTTP client for the in-memory server; with <paramref name="bearerToken"/> every request carries it.</summary>
    public HttpClient CreateHttpClient(string? bearerToken = null)
    {
        var http = App.GetTestClient();
        if (bearerToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return http;
    }

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

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Resources.DisposeAsync();
        _startupLogs?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
