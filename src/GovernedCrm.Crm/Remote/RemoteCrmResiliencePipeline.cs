using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// A remote CRM provider's resilience pipeline (Polly), outermost first:
/// <list type="number">
/// <item>a total timeout (<see cref="RemoteCrmResilienceOptions.TotalTimeout"/>);</item>
/// <item>retries with exponential backoff and jitter, honouring Retry-After up to
/// <see cref="RemoteCrmResilienceOptions.MaxRetryAfter"/>: a read (<see cref="CrmRequestOptions.Read"/>) is retried after
/// a transient failure (<see cref="IsTransient"/>); a write only after a 429, which HubSpot and Salesforce answer before
/// doing anything. A write that timed out, failed in transit or got a 5xx is never sent again: its outcome is unknown, and
/// neither CRM's update or create endpoints take an idempotency key;</item>
/// <item>a circuit breaker: after repeated transient failures calls are refused for a while without being sent;</item>
/// <item>a timeout per attempt (<see cref="RemoteCrmResilienceOptions.AttemptTimeout"/>).</item>
/// </list>
/// </summary>
internal static class RemoteCrmResiliencePipeline
{
    /// <summary>Where <see cref="RemoteCrmResilienceHandler"/> puts the request in the attempt's context.</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> Request = new("GovernedCrm.Crm.Request");

    /// <summary>Builds one provider's pipeline.</summary>
    /// <param name="settings">Timeouts, retries and circuit breaker.</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline<HttpResponseMessage> Build(RemoteCrmResilienceOptions settings) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(settings.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, settings.MaxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response && RetryAfter(response) is { } wait ? wait : (TimeSpan?)null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = settings.BreakFailureRatio,
                MinimumThroughput = settings.BreakMinimumThroughput,
                SamplingDuration = settings.BreakSamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();

    /// <summary>
    /// A failure that may pass: a network error, an attempt that timed out, a 5xx, a 408 or a 429 (what
    /// Microsoft.Extensions.Http.Resilience calls transient).
    /// </summary>
    /// <param name="outcome">An attempt's outcome.</param>
    /// <returns>True when transient.</returns>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => (int)response.StatusCode >= 500
            || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
        if (outcome.Result is { } response && RetryAfter(response) > maxRetryAfter)
        {
            return false;
        }

        var read = context.Properties.TryGetValue(Request, out var request) && request.Options.TryGetValue(CrmRequestOptions.Read, out var isRead) && isRead;
        return read
            ? IsTransient(outcome)
            : outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests;
    }

    // The wait a response asks for (Retry-After as seconds or as a date), or null when it asks for none.
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - TimeProvider.System.GetUtcNow(),
        _ => null,
    };
}
