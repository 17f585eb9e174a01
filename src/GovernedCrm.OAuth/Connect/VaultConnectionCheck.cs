using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.OAuth.Connect;

/// <summary>
/// The connection check over the token vault: a tenant served by the embedded CRM needs nothing; a tenant whose CRM is
/// a remote provider needs the caller's own connected, readable token cache for it (a missing key, a tampered row or a
/// revoked grant all read as not connected). Over HTTP the answer carries the server's connect URL for a pending
/// request; over stdio it names the <c>governed-crm connect</c> command.
/// </summary>
/// <param name="providerByTenant">The remote provider each tenant uses; tenants not listed use the embedded CRM.</param>
/// <param name="vault">The token vault.</param>
/// <param name="requests">The pending connect requests (HTTP deployments), or <see langword="null"/>.</param>
/// <param name="publicBaseUrl">The server's public base URL for connect links (HTTP deployments), or <see langword="null"/>.</param>
public sealed class VaultConnectionCheck(
    IReadOnlyDictionary<string, string> providerByTenant, ITokenVault vault, ConnectRequestRegistry? requests, Uri? publicBaseUrl)
    : ICrmConnectionCheck
{
    /// <summary>The path of the connect page under the public base URL.</summary>
    public const string ConnectPath = "connect";

    /// <summary>The public base URL as a folder (ending in <c>/</c>), so relative paths resolve under it, not beside it.</summary>
    /// <param name="publicBaseUrl">The server's public base URL.</param>
    /// <returns>The same URL ending in a slash.</returns>
    public static Uri Root(Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return publicBaseUrl.AbsoluteUri.EndsWith('/') ? publicBaseUrl : new Uri(publicBaseUrl.AbsoluteUri + "/");
    }

    /// <inheritdoc/>
    public async ValueTask<ConnectionRequirement?> CheckAsync(CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!providerByTenant.TryGetValue(caller.Tenant, out var provider))
        {
            return null;
        }

        if (await vault.LoadAsync(caller.UserId, provider, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        if (requests is null || publicBaseUrl is null)
        {
            return new ConnectionRequirement(provider);
        }

        var request = requests.GetOrCreate(caller.UserId, provider);
        var url = new Uri(Root(publicBaseUrl), $"{ConnectPath}?id={Uri.EscapeDataString(request.Id)}");
        return new ConnectionRequirement(provider, url, request.Id, request.ElicitationId);
    }
}
