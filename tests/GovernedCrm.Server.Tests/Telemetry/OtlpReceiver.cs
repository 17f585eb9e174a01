using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>
/// A collector's OTLP/HTTP receiver in the test process, on 127.0.0.1 and a free port: it accepts
/// <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> with <c>application/x-protobuf</c> bodies, keeps
/// each body as it came, and answers 200 with an empty export response. Anything else is kept as a rejected request
/// (and answered 404 or 415) so a test can show nothing unexpected arrived.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private const string Protobuf = "application/x-protobuf";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    private readonly ConcurrentQueue<string> _rejected = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL to give <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint => _app.Urls.Single();

    /// <summary>Requests that were not an OTLP/HTTP protobuf export (method, path, content type).</summary>
    public IReadOnlyList<string> Rejected => [.. _rejected];

    /// <summary>Every request body received on <paramref name="path"/> (e.g. <c>/v1/traces</c>), in arrival order.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => [.. _received.Where(r => r.Path == path).Select(r => r.Body)];

    /// <summary>Every body received, whatever its path.</summary>
    public IReadOnlyList<byte[]> AllBodies => [.. _received.Select(r => r.Body)];

    /// <summary>The spans received so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans => [.. Bodies("/v1/traces").SelectMany((body, i) => OtlpRecords.Spans(body, i))];

    /// <summary>The metric data points received so far, oldest export first.</summary>
    public IReadOnlyList<OtlpPoint> Points => [.. Bodies("/v1/metrics").SelectMany(OtlpRecords.Points)];

    /// <summary>The log records received so far.</summary>
    public IReadOnlyList<OtlpLog> Logs => [.. Bodies("/v1/logs").SelectMany(OtlpRecords.Logs)];

    /// <summary>Starts listening on 127.0.0.1 (a port the system picks).</summary>
    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until <paramref name="done"/> holds (checked every 100 ms); throws with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitForAsync(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"within {timeout}: {what()}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (request.Method != HttpMethods.Post || path is not ("/v1/traces" or "/v1/metrics" or "/v1/logs"))
        {
            _rejected.Enqueue($"{request.Method} {path}");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (request.ContentType != Protobuf)
        {
            _rejected.Enqueue($"{request.Method} {path} {request.ContentType}");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        _received.Enqueue((path, body.ToArray()));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Protobuf; // An empty Export*ServiceResponse: no partial success to report.
    }
}
