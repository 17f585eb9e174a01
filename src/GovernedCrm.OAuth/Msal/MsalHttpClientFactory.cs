using Microsoft.Identity.Client;

namespace GovernedCrm.OAuth.Msal;

/// <summary>Hands MSAL the server's HttpClient (its handler decides which certificates are trusted).</summary>
internal sealed class MsalHttpClientFactory(HttpClient httpClient) : IMsalHttpClientFactory
{
    public HttpClient GetHttpClient() => httpClient;
}
