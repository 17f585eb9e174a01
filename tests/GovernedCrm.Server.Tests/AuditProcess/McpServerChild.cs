using System.Diagnostics;
using System.Text;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using OsProcess = System.Diagnostics.Process;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// One real <c>dotnet governed-crm.dll --data DIR</c> child process with the MCP C# SDK client connected to its
/// stdin and stdout, for tests that SIGKILL the server: <see cref="StdioClientTransport"/> does not expose the
/// process it spawns, so this starts the process itself and connects the client with
/// <see cref="StreamClientTransport"/> over the same pipes.
/// </summary>
internal sealed class McpServerChild : IAsyncDisposable
{
    private readonly OsProcess _process;
    private readonly StderrTail _stderr;
    private McpClient? _client;

    private McpServerChild(OsProcess process, string name)
    {
        _process = process;
        Name = name;
        _stderr = new StderrTail($"{name} (pid {process.Id})");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Add(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public McpClient Client => _client ?? throw new InvalidOperationException($"{Name} is not connected.");

    /// <summary>The last lines the server wrote to stderr, for failure messages.</summary>
    public string StderrTail => _stderr.ToString();

    /// <summary>Starts the server on <paramref name="dataFolder"/> and completes the MCP handshake.</summary>
    public static async Task<McpServerChild> StartAsync(string name, string dataFolder, TimeSpan timeout)
    {
        var child = new McpServerChild(OsProcess.Start(ServerLaunch.StartInfo(dataFolder)) ?? throw new InvalidOperationException("dotnet did not start"), name);
        try
        {
            using var limit = new CancellationTokenSource(timeout);
            var transport = new StreamClientTransport(child._process.StandardInput.BaseStream, child._process.StandardOutput.BaseStream);
            child._client = await McpClient.CreateAsync(transport, ServerLaunch.ClientOptions, cancellationToken: limit.Token);
            return child;
        }
        catch (Exception ex)
        {
            var tail = child.StderrTail;
            await child.DisposeAsync();
            throw new InvalidOperationException($"{name} did not complete the MCP handshake within {timeout}: {ex.Message}\n{tail}", ex);
        }
    }

    /// <summary>SIGKILL (on Linux, Process.Kill sends SIGKILL): no shutdown code runs in the server.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Waits for the process to be gone (after <see cref="Kill"/>).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (pid {_process.Id}) was still running {timeout} after SIGKILL.");
        }
    }

    /// <summary>Kills the process if it still runs and disposes the client.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        if (_client is not null)
        {
            try
            {
                await _client.DisposeAsync();
            }
#pragma warning disable CA1031 // Cleanup: the process is dead already; a failing client dispose has nothing left to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            _client = null;
        }

        _process.Dispose();
    }
}
