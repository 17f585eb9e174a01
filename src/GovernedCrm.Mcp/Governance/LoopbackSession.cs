using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// An MCP session the server holds with itself, in memory: the same server options (tools, filters), the same
/// services, the same governance pipeline as any client's session. Approved proposals are sent through it as
/// ordinary tools/call requests, so the SDK binds their tools and every filter and step runs as for a live call.
/// Opened on first use; closed with the server.
/// </summary>
/// <param name="services">The server's root services.</param>
/// <param name="options">The MCP server options every session uses.</param>
/// <param name="loggers">Loggers.</param>
public sealed class LoopbackSession(IServiceProvider services, IOptions<McpServerOptions> options, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>The client name the loopback session announces (it appears as the agent in audit entries).</summary>
    public const string ClientName = "governed-crm-approvals";

    private readonly SemaphoreSlim _open = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private McpClient? _client;
    private McpServer? _server;
    private Task? _running;

    /// <summary>Sends one tools/call request through the session.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>The tool's result as a client would get it.</returns>
    public async Task<CallToolResult> CallToolAsync(CallToolRequestParams request, CancellationToken cancellationToken)
    {
        var client = _client ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await client.CallToolAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        if (_running is not null)
        {
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        _open.Dispose();
    }

    private async Task<McpClient> OpenAsync(CancellationToken cancellationToken)
    {
        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { } open)
            {
                return open;
            }

            var toServer = new Pipe();
            var toClient = new Pipe();
            _server = McpServer.Create(
                new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream(), ClientName, loggers), options.Value, loggers, services);
            _running = _server.RunAsync(_stop.Token);
            _client = await McpClient.CreateAsync(
                new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream(), loggers),
                new McpClientOptions { ClientInfo = new Implementation { Name = ClientName, Version = typeof(LoopbackSession).Assembly.GetName().Version?.ToString() ?? "1" } },
                loggers,
                cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _open.Release();
        }
    }
}
