using System.Net;
using System.Net.Http.Headers;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Sets <c>Authorization: Bearer</c> on each CRM request with the token of the user and provider the request carries
/// (<see cref="CrmRequestOptions"/>), from <see cref="ICrmAccessTokenSource"/>. The token lives only here.
/// On a 401 it asks the source again, passing the rejected token, and resends the request exactly once (its content is
/// buffered first so it can be sent again). A second 401 becomes <see cref="CrmErrorCodes.Forbidden"/>: the source
/// just gave a token it believed fresh and the CRM still refused it, so the cause is the grant or its scopes, not
/// an expired token; the message tells the user to reconnect the account if it persists.
/// A request without a user or provider is refused: there is never a fallback credential.
/// <see cref="CrmNotConnectedException"/> from the source propagates unchanged and nothing is sent.
/// </summary>
/// <param name="tokens">The token source (the broker over the vault).</param>
public sealed class CrmAccessTokenHandler(ICrmAccessTokenSource tokens) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Options.TryGetValue(CrmRequestOptions.User, out var user) || string.IsNullOrEmpty(user)
            || !request.Options.TryGetValue(CrmRequestOptions.Provider, out var provider) || string.IsNullOrEmpty(provider))
        {
            throw new InvalidOperationException("A CRM request must name the user and provider it runs for (CrmRequestOptions.User and Provider).");
        }

        var displayName = request.Options.TryGetValue(CrmRequestOptions.ProviderDisplayName, out var name) ? name : provider;
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var token = await TokenAsync(user, provider, displayName, null, cancellationToken).ConfigureAwait(false);
        var response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        var refreshed = await TokenAsync(user, provider, displayName, token, cancellationToken).ConfigureAwait(false);
        response = await SendWithAsync(request, refreshed, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        throw new CrmException(CrmErrorCodes.Forbidden,
            $"{displayName} refused the user's credentials, also after a token refresh (HTTP 401). Reconnect the {displayName} account if this persists.");
    }

    // Not connected stays what it is (the caller is asked to connect); any other failure to get a token (the provider
    // down, the refresh lock held too long) is the CRM being unavailable for now, reported without its details.
    private async Task<CrmAccessToken> TokenAsync(string user, string provider, string displayName, CrmAccessToken? rejected, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetAsync(user, provider, rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (CrmNotConnectedException or CrmException or OperationCanceledException or ArgumentException))
        {
            throw new CrmException($"Could not get the user's {displayName} access token ({ex.GetType().Name}); try again later.", ex);
        }
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, CrmAccessToken token, CancellationToken cancellationToken)
    {
        if (token.InstanceUrl is { } instance && request.Options.TryGetValue(CrmRequestOptions.InstanceRelativePath, out var path))
        {
            request.RequestUri = new Uri(instance.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/'), UriKind.Absolute);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        request.Options.Set(CrmRequestOptions.Authorized, true);
        return base.SendAsync(request, cancellationToken);
    }
}
