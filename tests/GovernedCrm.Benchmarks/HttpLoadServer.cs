using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using GovernedCrm.Testing;
using ModelContextProtocol.Client;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The real <c>governed-crm serve --http</c> as a child process for the http-load suite (<see cref="ServerProcess"/>:
/// the built governed-crm.dll run with <c>dotnet</c>): on a free loopback port, with a fresh data folder, bearer-token
/// authentication against the test kit's stand-in issuer (<see cref="TestIssuer"/>: the JWKS file the server reads
/// with <c>--jwt-keys</c>, tokens minted locally), the benchmark policy (the built-in policy with its limits raised,
/// <see cref="BenchmarkServer.PolicyText"/>) and the benchmark's tools assembly (<c>--tools</c>: ungoverned copies of
/// the CRM tools, each marked <c>[UngovernedTool(reason)]</c>).
/// </summary>
internal sealed class HttpLoadServer : IAsyncDisposable
{
    private const string ToolsProject = "GovernedCrm.Benchmarks.LoadTools";

    private readonly ServerProcess _process;
    private readonly TestIssuer _issuer;
    private readonly Process _handle;

    private HttpLoadServer(ServerProcess process, TestIssuer issuer, string baseUrl, string dataFolder)
    {
        _process = process;
        _issuer = issuer;
        BaseUrl = baseUrl;
        DataFolder = dataFolder;
        _handle = Process.GetProcessById(process.Id);
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:40123.</summary>
    public string BaseUrl { get; }

    /// <summary>The server's data folder (its audit database is audit.db in it).</summary>
    public string DataFolder { get; }

    /// <summary>The server's process id (the dotnet host runs the server in its own process).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the server wrote to stderr so far (its log).</summary>
    public string StandardError => _process.StandardError;

    /// <summary>The tools assembly next to this benchmark's build output (same configuration and framework).</summary>
    public static string ToolsAssembly
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = framework.Parent!;
            var tests = configuration.Parent!.Parent!.Parent!;
            var path = Path.Combine(tests.FullName, ToolsProject, "bin", configuration.Name, framework.Name, ToolsProject + ".dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (building the benchmarks builds it)", path);
        }
    }

    public static async Task<HttpLoadServer> StartAsync(string folder, CancellationToken cancellationToken)
    {
        var issuer = new TestIssuer();
        try
        {
            var policy = Path.Combine(folder, "benchmark-policy.yaml");
            await File.WriteAllTextAsync(policy, BenchmarkServer.PolicyText, cancellationToken).ConfigureAwait(false);
            var data = Path.Combine(folder, "data");
            for (var attempt = 1; ; attempt++)
            {
                var baseUrl = $"http://127.0.0.1:{FreePort()}";
                var process = ServerProcess.Start(
                    ["serve", "--http", "--urls", baseUrl, "--jwt-issuer", TestIssuer.Issuer, "--jwt-keys", issuer.JwksFile,
                     "--data", data, "--policy", policy, "--tools", ToolsAssembly]);
                try
                {
                    await process.WaitForStderrAsync("serving MCP over HTTP", TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                    return new HttpLoadServer(process, issuer, baseUrl, data);
                }
                catch (TimeoutException) when (attempt < 3 && process.StandardError.Contains("cannot listen", StringComparison.Ordinal))
                {
                    // Another process took the port between the probe and the bind: try another.
                    process.Dispose();
                }
                catch
                {
                    process.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            issuer.Dispose();
            throw;
        }
    }

    /// <summary>A connected Streamable HTTP session for <paramref name="subject"/> (a rep in the default tenant), with its own HTTP client.</summary>
    public async Task<(McpClient Client, HttpClient Http)> ConnectAsync(string subject, CancellationToken cancellationToken)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _issuer.Token(subject, audience: BaseUrl + "/mcp"));
        try
        {
            var transport = new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = new Uri(BaseUrl + "/mcp"), TransportMode = HttpTransportMode.StreamableHttp }, http);
            var client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (client, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The server's CPU time so far (user + system, from /proc/PID/stat through <see cref="Process.TotalProcessorTime"/>).</summary>
    public double CpuSeconds()
    {
        _handle.Refresh();
        return _handle.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// The CPU time so far of the server's background JIT thread (".NET Tiered Com": tier-1 recompilation of hot
    /// methods), which a short warm-up leaves busy during the first measured slices; 0 when it cannot be found.
    /// </summary>
    public double JitThreadCpuSeconds()
    {
        _handle.Refresh();
        double seconds = 0;
        foreach (ProcessThread thread in _handle.Threads)
        {
            try
            {
                var comm = File.ReadAllText($"/proc/{_handle.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/task/{thread.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/comm").Trim();
                if (comm.StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    seconds += thread.TotalProcessorTime.TotalSeconds;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // The thread ended meanwhile.
            }
        }

        return seconds;
    }

    /// <summary>The server's resident set now and its peak so far, in MB (VmRSS and VmHWM of /proc/PID/status).</summary>
    public (double Current, double Peak) WorkingSetMegabytes()
    {
        _handle.Refresh();
        return (Math.Round(_handle.WorkingSet64 / 1048576.0, 1), Math.Round(_handle.PeakWorkingSet64 / 1048576.0, 1));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Terminate();
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or stuck: Dispose kills it.
        }

        _process.Dispose();
        _handle.Dispose();
        _issuer.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
