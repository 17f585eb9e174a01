using GovernedCrm.OAuth;
using GovernedCrm.OAuth.Broker;
using GovernedCrm.OAuth.Connect;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>What the connect page needs: the pending requests, the sign-in client, the broker and the redirect URLs.</summary>
/// <param name="Requests">The pending connect requests.</param>
/// <param name="SignIn">The identity provider's client for the same-user check, or <see langword="null"/> when every caller is the local user.</param>
/// <param name="Broker">The token broker (redeems codes into the vault).</param>
/// <param name="SignInRedirect">This server's sign-in callback URL.</param>
/// <param name="CrmRedirect">This server's CRM callback URL.</param>
/// <param name="Logger">Where the flow reports (users and providers only).</param>
internal sealed record ConnectFlow(
    ConnectRequestRegistry Requests, IOAuthProviderClient? SignIn, CrmTokenBroker Broker, Uri SignInRedirect, Uri CrmRedirect, ILogger Logger);
