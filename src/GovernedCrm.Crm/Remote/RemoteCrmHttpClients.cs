using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// The remote CRMs' HTTP clients, from <see cref="IHttpClientFactory"/>: one named client per provider, each with its own
/// resilience pipeline (Microsoft.Extensions.Http.Resilience) outside <see cref="CrmAccessTokenHandler"/>, so every
/// attempt carries the user's current token. The pipeline, outermost first:
/// <list type="number">
/// <item>a total timeout (<see cref="RemoteCrmResilienceOptions.TotalTimeout"/>);</item>
/// <item>retries with exponential backoff and jitter, honouring Retry-After up to
/// <see cref="RemoteCrmResilienceOptions.MaxRetryAfter"/>: a read (<see cref="CrmRequestOptions.Read"/>) is retried after
/// a transient failure (5xx, 408, 429, a network error, an attempt timeout); a write only after a 429, which HubSpot and
/// Salesforce answer before doing anything. A write that timed out, failed in transit or got a 5xx is never sent again: its
/// outcome is unknown, and neither CRM's update or create endpoints take an idempotency key;</item>
/// <item>a circuit breaker per provider: after repeated failures calls are refused for a while without being sent;</item>
/// <item>a timeout per attempt (<see cref="RemoteCrmResilienceOptions.AttemptTimeout"/>).</item>
/// </list>
/// The factory's own request logging has no provider here: URLs (record ids, search text) are never logged.
/// </summary>
public sealed class RemoteCrmHttpClients : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHttpClientFactory _factory;

    /// <summary>Registers one client per provider.</summary>
    /// <param name="providers">The provider names (<c>hubspot</c>, <c>salesforce</c>, ...).</param>
    /// <param name="tokens">The users' tokens (the broker over the vault).</param>
    /// <param name="primaryHandler">Makes the handler that sends (e.g. one trusting extra roots); called again when the factory renews it.</param>
    /// <param name="options">Timeouts, retries and circuit breaker; null for the defaults.</param>
    public RemoteCrmHttpClients(
        IEnumerable<string> providers, ICrmAccessTokenSource tokens, Func<HttpMessageHandler> primaryHandler, RemoteCrmResilienceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(primaryHandler);
        var settings = options ?? new RemoteCrmResilienceOptions();
        var services = new ServiceCollection();
        foreach (var provider in providers.Distinct(StringComparer.Ordinal))
        {
            // Handlers run in the order added: the resilience pipeline outside, the token handler inside each attempt.
            var client = services.AddHttpClient(ClientName(provider), c => c.Timeout = settings.TotalTimeout + TimeSpan.FromSeconds(5))
                .ConfigurePrimaryHttpMessageHandler(primaryHandler);
            client.AddResilienceHandler(ClientName(provider), pipeline => Configure(pipeline, settings));
            client.AddHttpMessageHandler(() => new CrmAccessTokenHandler(tokens));
        }

        _services = services.BuildServiceProvider();
        _factory = _services.GetRequiredService<IHttpClientFactory>();
    }

    /// <summary>The client for a provider's API (dispose it when done; the handlers are the factory's).</summary>
    /// <param name="provider">The provider name given to the constructor.</param>
    /// <returns>The client.</returns>
    public HttpClient For(string provider) => _factory.CreateClient(ClientName(provider));

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();

    private static string ClientName(string provider) => "crm-" + provider;

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, RemoteCrmResilienceOptions settings)
    {
        pipeline.AddTimeout(settings.TotalTimeout);
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxRetries,
            Delay = settings.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, settings.MaxRetryAfter)),
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = settings.BreakFailureRatio,
            MinimumThroughput = settings.BreakMinimumThroughput,
            SamplingDuration = settings.BreakSamplingDuration,
            BreakDuration = settings.BreakDuration,
        });
        pipeline.AddTimeout(settings.AttemptTimeout);
    }

    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
        if (outcome.Result is { } response && RetryAfter(response) > maxRetryAfter)
        {
            return false;
        }

        var read = context.GetRequestMessage() is { } request && request.Options.TryGetValue(CrmRequestOptions.Read, out var isRead) && isRead;
        return read
            ? HttpClientResiliencePredicates.IsTransient(outcome)
            : outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests;
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - TimeProvider.System.GetUtcNow(),
        _ => TimeSpan.Zero,
    };
}
