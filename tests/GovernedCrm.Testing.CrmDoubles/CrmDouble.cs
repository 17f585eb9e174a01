using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// What both CRM doubles share: an in-process Kestrel app on 127.0.0.1 (a free port), a bearer check through the
/// pluggable <see cref="CrmTokenIntrospector"/>, a log of every call with the user it ran as, and fault injection
/// (the next N calls answer a given status; a given token is refused with 401). Faults apply after the token check,
/// as a real CRM would rate-limit or fail an authenticated call.
/// </summary>
public abstract class CrmDouble : IAsyncDisposable
{
    private const string UserItem = "crm-double-user";
    private const string SearchTextItem = "crm-double-search-text";
    private readonly CrmTokenIntrospector _introspect;
    private readonly ConcurrentQueue<CrmDoubleCall> _calls = new();
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
    private readonly Lock _faultGate = new();
    private readonly List<(int Status, int? RetryAfterSeconds, string? Method)> _faults = [];
    private readonly List<(TimeSpan Delay, string? Method)> _delays = [];
    private WebApplication? _app;

    protected CrmDouble(CrmTokenIntrospector introspect, TimeProvider? time, Func<string, long, string> newId)
    {
        _introspect = introspect ?? throw new ArgumentNullException(nameof(introspect));
        Time = time ?? TimeProvider.System;
        Store = new DoubleRecordStore(Time, newId);
    }

    /// <summary>Where the double listens, e.g. http://127.0.0.1:54321/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The records.</summary>
    public DoubleRecordStore Store { get; }

    /// <summary>Every call so far, in arrival order.</summary>
    public IReadOnlyList<CrmDoubleCall> Calls => [.. _calls];

    protected TimeProvider Time { get; }

    /// <summary>
    /// The next <paramref name="count"/> authenticated calls (with <paramref name="method"/> only, when given) answer
    /// <paramref name="status"/>, with a Retry-After header when <paramref name="retryAfterSeconds"/> is set.
    /// </summary>
    public void FailNext(HttpStatusCode status, int count = 1, int? retryAfterSeconds = null, string? method = null)
    {
        lock (_faultGate)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Add(((int)status, retryAfterSeconds, method));
            }
        }
    }

    /// <summary>
    /// The next authenticated call (with <paramref name="method"/> only, when given) is handled as usual (a write is
    /// applied) but answered only after <paramref name="delay"/>: a CRM that did the work and answered too late.
    /// </summary>
    public void DelayNext(TimeSpan delay, string? method = null)
    {
        lock (_faultGate)
        {
            _delays.Add((delay, method));
        }
    }

    /// <summary>Calls with this token answer 401 from now on, whatever the introspector says (an expired or revoked token).</summary>
    public void RefuseToken(string token) => _refused[token] = true;

    /// <summary>Forget the calls recorded so far.</summary>
    public void ClearCalls() => _calls.Clear();

    /// <summary>Starts the double on a free loopback port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use(GuardAsync);
        Map(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Maps the CRM's endpoints.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>The CRM's error body for a status.</summary>
    protected abstract JsonNode ErrorBody(int status, string message);

    /// <summary>The user the current call runs as (set after the token check).</summary>
    protected static string UserOf(HttpContext context) => (string)context.Items[UserItem]!;

    /// <summary>Notes the search text a call's query matched, for <see cref="CrmDoubleCall.SearchText"/>.</summary>
    protected static void NoteSearchText(HttpContext context, string? text) => context.Items[SearchTextItem] = text;

    protected static async Task WriteJsonAsync(HttpContext context, int status, JsonNode? body)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = "application/json;charset=UTF-8";
            await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
        }
    }

    protected Task WriteErrorAsync(HttpContext context, int status, string message) => WriteJsonAsync(context, status, ErrorBody(status, message));

    protected static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private TimeSpan? TakeDelay(string method)
    {
        lock (_faultGate)
        {
            var index = _delays.FindIndex(d => d.Method is null || string.Equals(d.Method, method, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var delay = _delays[index].Delay;
            _delays.RemoveAt(index);
            return delay;
        }
    }

    private (int Status, int? RetryAfterSeconds)? TakeFault(string method)
    {
        lock (_faultGate)
        {
            var index = _faults.FindIndex(f => f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            _faults.RemoveAt(index);
            return (fault.Status, fault.RetryAfterSeconds);
        }
    }

    private async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        string? user = null;
        try
        {
            var header = context.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
            user = token is null || _refused.ContainsKey(token) ? null : await _introspect(token, context.RequestAborted).ConfigureAwait(false);
            if (user is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await WriteErrorAsync(context, 401, "Authentication credentials not found or expired.").ConfigureAwait(false);
                return;
            }

            context.Items[UserItem] = user;
            if (TakeFault(context.Request.Method) is { } fault)
            {
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await WriteErrorAsync(context, fault.Status, $"Injected fault {fault.Status}.").ConfigureAwait(false);
                return;
            }

            if (TakeDelay(context.Request.Method) is { } late)
            {
                // The endpoint does its work, then its answer's headers wait: the client may have given up by then.
                context.Response.OnStarting(() => Task.Delay(late, CancellationToken.None));
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            _calls.Enqueue(new CrmDoubleCall(user, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                context.Items.TryGetValue(SearchTextItem, out var text) ? text as string : null));
        }
    }
}
