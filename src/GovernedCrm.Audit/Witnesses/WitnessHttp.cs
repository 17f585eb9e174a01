using System.Net;
using System.Net.Http.Headers;

namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// The HTTP requests both HTTP witness kinds make: a POST of text, and the GET of the newest checkpoint of an origin
/// (<c>?origin=</c>). Transport failures and timeouts become <see cref="WitnessException"/> naming the witness.
/// </summary>
/// <param name="http">The client (its timeout bounds every request).</param>
/// <param name="name">The witness's name (no query, no credentials).</param>
internal sealed class WitnessHttp(HttpClient http, string name)
{
    /// <summary>POSTs <paramref name="body"/> as text/plain.</summary>
    public async Task<(HttpStatusCode Status, string? MediaType, string Body)> PostAsync(Uri url, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, new UTF8Encoding(false), "text/plain");
        return await SendAsync(() => http.PostAsync(url, content, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GETs the newest checkpoint note of <paramref name="origin"/> at <paramref name="url"/>; empty on 404.</summary>
    public async Task<IReadOnlyList<string>> ReadNewestAsync(Uri url, string origin, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(url);
        var query = "origin=" + Uri.EscapeDataString(origin);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + query : query;
        var (status, _, body) = await SendAsync(() => http.GetAsync(builder.Uri, cancellationToken), cancellationToken).ConfigureAwait(false);
        return status switch
        {
            HttpStatusCode.OK => [body],
            HttpStatusCode.NotFound => [],
            _ => throw new WitnessException($"witness {name} answered {(int)status} to the read of its newest checkpoint"),
        };
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> SendAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send().ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (HttpRequestException ex)
        {
            throw new WitnessException($"witness {name} is unreachable: {ex.HttpRequestError}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WitnessException($"witness {name} did not answer in time", ex);
        }
    }

    /// <summary>A client for witnesses: no cookies, no redirects to follow, the given timeout per request.</summary>
    public static HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = timeout,
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("governed-crm-witness-client", "1") } },
    };
}
