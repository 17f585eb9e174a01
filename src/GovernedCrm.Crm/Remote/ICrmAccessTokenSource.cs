namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Gives a remote CRM connector the access token of the user a call runs for, at one provider. Implemented outside the
/// connector (the token broker over the encrypted vault); the connector only ever holds the token inside its HTTP
/// handler. There is never a fallback to another user's or a shared credential.
/// </summary>
public interface ICrmAccessTokenSource
{
    /// <summary>
    /// Returns a usable access token of <paramref name="user"/> at <paramref name="provider"/>, refreshing it first when
    /// it expires soon. When <paramref name="rejected"/> is set (the CRM answered 401 to it), a token other than that one
    /// is returned: the stored one if another call already refreshed, else a freshly refreshed one.
    /// </summary>
    /// <param name="user">The MCP user the call runs for.</param>
    /// <param name="provider">The provider name from configuration (e.g. <c>hubspot</c>, <c>salesforce</c>).</param>
    /// <param name="rejected">The token the CRM just refused, if any.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The token.</returns>
    /// <exception cref="CrmNotConnectedException">
    /// The user has no usable connection to the provider (never connected, needs reconnecting, vault unreadable).
    /// </exception>
    ValueTask<CrmAccessToken> GetAsync(string user, string provider, CrmAccessToken? rejected, CancellationToken cancellationToken);
}
