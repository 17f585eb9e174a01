namespace GovernedCrm.AdminConsole;

/// <summary>
/// How the admin console is served: the data folder (its governance database holds the one-time sign-in links) and
/// how people sign in: OpenID Connect against the server's token issuer when <see cref="OpenIdConnect"/> is set,
/// otherwise one-time links from <c>governed-crm console-link</c>.
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>Where the console is served.</summary>
    public const string BasePath = "/console";

    /// <summary>The environment variable with the console's client id at the issuer.</summary>
    public const string ClientIdVariable = "GOVERNEDCRM_CONSOLE_CLIENT_ID";

    /// <summary>The environment variable with the console's client secret at the issuer (optional: a public client uses PKCE alone).</summary>
    public const string ClientSecretVariable = "GOVERNEDCRM_CONSOLE_CLIENT_SECRET";

    /// <summary>The data folder the server serves.</summary>
    public required string DataFolder { get; init; }

    /// <summary>OpenID Connect sign-in; null for one-time links (deployments without an issuer).</summary>
    public ConsoleOpenIdConnect? OpenIdConnect { get; init; }

    /// <summary>How long a console session lasts after sign-in (not extended by use).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The console's options for a server: with an issuer, OpenID Connect against it, with the client id (and secret)
    /// from <see cref="ClientIdVariable"/> (and <see cref="ClientSecretVariable"/>); without one, one-time links.
    /// </summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="issuer">The server's token issuer (<c>--jwt-issuer</c>), or null.</param>
    /// <param name="requireHttpsMetadata">Whether the issuer's discovery document must come over HTTPS.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The options, or null when an issuer is configured but no client id (the console cannot sign anyone in).</returns>
    public static ConsoleOptions? Resolve(string dataFolder, string? issuer, bool requireHttpsMetadata, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (issuer is null)
        {
            return new ConsoleOptions { DataFolder = dataFolder };
        }

        var clientId = environment(ClientIdVariable);
        if (string.IsNullOrWhiteSpace(clientId))
        {
            return null;
        }

        var secret = environment(ClientSecretVariable);
        return new ConsoleOptions
        {
            DataFolder = dataFolder,
            OpenIdConnect = new ConsoleOpenIdConnect(issuer, clientId.Trim(), string.IsNullOrWhiteSpace(secret) ? null : secret.Trim(), requireHttpsMetadata),
        };
    }
}

/// <summary>The console's OpenID Connect client: authorization code with PKCE against the server's own token issuer.</summary>
/// <param name="Issuer">The issuer (its discovery document is at /.well-known/openid-configuration).</param>
/// <param name="ClientId">The console's client id at the issuer.</param>
/// <param name="ClientSecret">The client secret, or null for a public client.</param>
/// <param name="RequireHttpsMetadata">Whether discovery must use HTTPS (false only for an issuer on this machine).</param>
public sealed record ConsoleOpenIdConnect(string Issuer, string ClientId, string? ClientSecret, bool RequireHttpsMetadata)
{
    /// <inheritdoc />
    public override string ToString() => $"ConsoleOpenIdConnect {{ Issuer = {Issuer}, ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "none" : "(set)")} }}";
}
