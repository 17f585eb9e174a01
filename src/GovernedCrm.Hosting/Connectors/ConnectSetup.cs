using GovernedCrm.Governance.Credentials;
using GovernedCrm.OAuth.Connect;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// Registers the HTTP connect flow: pending connect requests, the connection check that answers with this server's
/// connect URL, and the page's dependencies. The public base URL is the connectors file's <c>publicUrl</c>, else the
/// first --urls value; register <c>{base}/connect/callback</c> at each provider and <c>{base}/connect/signin</c> at the
/// sign-in provider.
/// </summary>
internal static class ConnectSetup
{
    public static void AddConnectPage(IServiceCollection services, RemoteCrms remote, ConnectorsConfiguration connectors, HttpServerSettings settings)
    {
        var root = VaultConnectionCheck.Root(connectors.PublicUrl ?? new Uri(ListenUrls.Split(settings.Urls)[0]));
        services.AddSingleton(sp => new ConnectRequestRegistry(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConnectCompletionListeners>(sp => sp.GetRequiredService<ConnectRequestRegistry>());
        services.AddSingleton<ICrmConnectionCheck>(sp => new VaultConnectionCheck(
            remote.ProviderByTenant, remote.Vault, sp.GetRequiredService<ConnectRequestRegistry>(), root));
        services.AddSingleton(sp => new ConnectFlow(
            sp.GetRequiredService<ConnectRequestRegistry>(),
            settings.Jwt is null || connectors.SignIn is null
                ? null
                : remote.SignInClient(connectors.SignIn, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()),
            remote.Broker,
            new Uri(root, "connect/signin"),
            new Uri(root, "connect/callback"),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Connect")));
    }
}
