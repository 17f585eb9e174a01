using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// The remote CRMs' HTTP clients, from <see cref="IHttpClientFactory"/>: one named client per provider, each with its own
/// resilience pipeline (<see cref="RemoteCrmResiliencePipeline"/>: timeouts, retries of reads with backoff, jitter and
/// Retry-After, writes sent again only after a 429, a circuit breaker) outside <see cref="CrmAccessTokenHandler"/>, so
/// every attempt carries the user's current token.
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
            var pipeline = RemoteCrmResiliencePipeline.Build(settings);
            client.AddHttpMessageHandler(() => new RemoteCrmResilienceHandler(pipeline));
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
}
