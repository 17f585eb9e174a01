using GovernedCrm.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Client;

namespace GovernedCrm.Server.Tests.Http;

/// <summary>The real HTTP host (same pipeline as <c>serve --http</c>) on ASP.NET Core's in-memory test server.</summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly string _folder;

    private HttpTestServer(WebApplication app, string folder, ServerResources resources)
    {
        App = app;
        Resources = resources;
        _folder = folder;
    }

    public WebApplication App { get; }

    public ServerResources Resources { get; }

    public static async Task<HttpTestServer> StartAsync()
    {
        var folderPath = Directory.CreateTempSubdirectory("governedcrm-http-").FullName;
        var folder = DataFolder.Open(folderPath);
        var resources = await ServerResources.OpenAsync(folder, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        var app = HttpServer.Build(folder, resources, new HttpServerSettings(HttpServer.DefaultUrls, HttpServer.DefaultAllowedHosts), web => web.UseTestServer());
        GovernanceStartupCheck.Run(app.Services);
        await app.StartAsync();
        return new HttpTestServer(app, folderPath, resources);
    }

    public HttpClient CreateHttpClient() => App.GetTestClient();

    public Task<McpClient> ConnectAsync(string path, HttpTransportMode mode, string? protocolVersion = null) =>
        McpClient.CreateAsync(
            new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(App.GetTestServer().BaseAddress, path), TransportMode = mode },
                CreateHttpClient()),
            new McpClientOptions { ProtocolVersion = protocolVersion });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Resources.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
