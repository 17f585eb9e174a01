using System.Net.Http.Json;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Sends one JSON request to a remote CRM as an actor: tags it with the user and provider for
/// <see cref="CrmAccessTokenHandler"/>, turns transport failures into <c>crm.unavailable</c>, and refuses to return a
/// response that did not pass through the handler (an HttpClient built without it fails closed, before any data is used).
/// Reads (GET, and the searches a CRM asks for by POST) are marked <see cref="CrmRequestOptions.Read"/>, which is what
/// lets <see cref="RemoteCrmHttpClients"/>' resilience pipeline retry them; a write is sent once (see there).
/// </summary>
/// <param name="http">The HttpClient whose pipeline contains <see cref="CrmAccessTokenHandler"/>.</param>
/// <param name="provider">The provider name the token source knows.</param>
/// <param name="displayName">The provider's name for people.</param>
internal sealed class RemoteCrmHttp(HttpClient http, string provider, string displayName)
{
    public string DisplayName => displayName;

    public async Task<RemoteCrmResponse> SendAsync(
        CrmActor actor, HttpMethod method, Uri uri, string? instanceRelativePath, JsonNode? body, string what, CancellationToken cancellationToken, bool read = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var request = new HttpRequestMessage(method, uri);
        request.Options.Set(CrmRequestOptions.User, actor.UserId);
        request.Options.Set(CrmRequestOptions.Provider, provider);
        request.Options.Set(CrmRequestOptions.ProviderDisplayName, displayName);
        request.Options.Set(CrmRequestOptions.Read, read || method == HttpMethod.Get);
        if (instanceRelativePath is not null)
        {
            request.Options.Set(CrmRequestOptions.InstanceRelativePath, instanceRelativePath);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!request.Options.TryGetValue(CrmRequestOptions.Authorized, out var authorized) || !authorized)
            {
                throw new InvalidOperationException(
                    $"The HttpClient of the {displayName} connector has no CrmAccessTokenHandler: CRM calls must run with the user's own token.");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new RemoteCrmResponse(response.StatusCode, Parse(text), response.Headers.RetryAfter);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation: HttpClient.Timeout elapsed.
            throw RemoteCrmErrors.NoAnswer(displayName, what, timedOut: true);
        }
        catch (TimeoutRejectedException)
        {
            // The resilience pipeline's attempt or total timeout.
            throw RemoteCrmErrors.NoAnswer(displayName, what, timedOut: true);
        }
        catch (BrokenCircuitException)
        {
            throw RemoteCrmErrors.Paused(displayName, what);
        }
        catch (HttpRequestException)
        {
            throw RemoteCrmErrors.NoAnswer(displayName, what, timedOut: false);
        }
    }

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
