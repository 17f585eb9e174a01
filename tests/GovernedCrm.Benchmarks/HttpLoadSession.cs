using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// One client of the http-load suite: an MCP session over Streamable HTTP with its own bearer token (its own subject),
/// calling one tool at a time, with no think time, 80% reads and 20% writes in a seeded random order: a read is
/// CRM.GetRecord of a contact or a deal, a write is CRM.UpdateRecord of a contact's phone number (which no policy
/// rule sends for approval), or the ungoverned copies of both in the ungoverned phases.
/// </summary>
internal sealed class HttpLoadSession : IAsyncDisposable
{
    /// <summary>Percent of the calls that are reads.</summary>
    public const int ReadPercent = 80;

    /// <summary>The ungoverned copy of CRM.GetRecord in the benchmark's tools assembly (tests/GovernedCrm.Benchmarks.LoadTools).</summary>
    public const string UngovernedRead = "Load.GetRecordUngoverned";

    /// <summary>The ungoverned copy of CRM.UpdateRecord in the same assembly.</summary>
    public const string UngovernedWrite = "Load.UpdateRecordUngoverned";

    private const int Contacts = 60;
    private const int Deals = 40;

    private readonly McpClient _client;
    private readonly HttpClient _http;
    private readonly Random _random;
    private readonly int _index;
    private long _writes;

    private HttpLoadSession(McpClient client, HttpClient http, int index)
    {
        _client = client;
        _http = http;
        _index = index;
        _random = new Random(20_261_208 + index);
    }

    /// <summary>One measured call: its round-trip time in microseconds, whether it was a write, and its error (null when it succeeded).</summary>
    public readonly record struct Call(double Microseconds, bool Write, string? Error);

    public static async Task<HttpLoadSession> ConnectAsync(HttpLoadServer server, int index, CancellationToken cancellationToken)
    {
        var (client, http) = await server.ConnectAsync($"load-rep-{index.ToString("D2", CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
        return new HttpLoadSession(client, http, index);
    }

    /// <summary>The tools the session's server lists.</summary>
    public async Task<IReadOnlyList<string>> ToolNamesAsync(CancellationToken cancellationToken) =>
        (await _client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Select(t => t.Name).ToList();

    /// <summary>Calls until <paramref name="deadline"/> (a Stopwatch timestamp), one call at a time; every call started before it is finished and counted.</summary>
    public async Task<List<Call>> RunAsync(bool governed, long deadline, CancellationToken cancellationToken)
    {
        var calls = new List<Call>(4096);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            calls.Add(await CallAsync(governed, cancellationToken).ConfigureAwait(false));
        }

        return calls;
    }

    /// <summary>One call of the mix, timed.</summary>
    public async Task<Call> CallAsync(bool governed, CancellationToken cancellationToken)
    {
        var write = _random.Next(100) >= ReadPercent;
        var (tool, arguments) = write ? Write(governed) : Read(governed);
        var started = Stopwatch.GetTimestamp();
        string? error;
        try
        {
            var result = await _client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            error = result.IsError == true ? $"{tool}: {ErrorText(result)}" : null;
        }
        catch (McpException ex)
        {
            error = $"{tool}: {ex.GetType().Name}: {ex.Message}";
        }

        return new Call(Stopwatch.GetElapsedTime(started).TotalMicroseconds, write, error);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    private (string Tool, Dictionary<string, object?> Arguments) Read(bool governed)
    {
        var contact = _random.Next(2) == 0;
        var id = contact ? 1001 + _random.Next(Contacts) : 3001 + _random.Next(Deals);
        return (governed ? "CRM.GetRecord" : UngovernedRead, new Dictionary<string, object?>
        {
            ["objectType"] = contact ? "contact" : "deal",
            ["recordId"] = id.ToString(CultureInfo.InvariantCulture),
        });
    }

    private (string Tool, Dictionary<string, object?> Arguments) Write(bool governed)
    {
        var number = Interlocked.Increment(ref _writes);
        return (governed ? "CRM.UpdateRecord" : UngovernedWrite, new Dictionary<string, object?>
        {
            ["objectType"] = "contact",
            ["recordId"] = (1001 + _random.Next(Contacts)).ToString(CultureInfo.InvariantCulture),
            ["properties"] = new Dictionary<string, object?> { ["phone"] = $"+1 555 {_index:D2}{number % 10_000:D4}" },
            ["reason"] = "http-load benchmark: keep the phone number current",
        });
    }

    private static string ErrorText(ModelContextProtocol.Protocol.CallToolResult result) =>
        string.Join(" ", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(t => t.Text)) is { Length: > 0 } text
            ? text[..Math.Min(text.Length, 300)]
            : "(no text)";
}
