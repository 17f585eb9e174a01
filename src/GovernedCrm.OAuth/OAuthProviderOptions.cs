namespace GovernedCrm.OAuth;

/// <summary>
/// One CRM provider the server is an OAuth client of. For <see cref="OAuthProviderKind.Oidc"/> only the authority is
/// needed (endpoints come from discovery); for <see cref="OAuthProviderKind.OAuth2"/> the authorization and token
/// endpoints are given. Call <see cref="Validate"/> before use.
/// </summary>
public sealed record OAuthProviderOptions
{
    /// <summary>The provider name used in configuration, the vault and tool calls (e.g. <c>hubspot</c>, <c>salesforce</c>).</summary>
    public required string Name { get; init; }

    /// <summary>How the provider is driven.</summary>
    public required OAuthProviderKind Kind { get; init; }

    /// <summary>The OpenID authority (issuer), HTTPS; required for <see cref="OAuthProviderKind.Oidc"/>.</summary>
    public Uri? Authority { get; init; }

    /// <summary>The authorization endpoint, HTTPS; required for <see cref="OAuthProviderKind.OAuth2"/>.</summary>
    public Uri? AuthorizationEndpoint { get; init; }

    /// <summary>The token endpoint, HTTPS; required for <see cref="OAuthProviderKind.OAuth2"/>.</summary>
    public Uri? TokenEndpoint { get; init; }

    /// <summary>The client id registered at the provider.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client secret (from the environment or a secret store, never from a committed file).</summary>
    public required string ClientSecret { get; init; }

    /// <summary>The scopes to request (MSAL adds <c>openid</c>, <c>profile</c> and <c>offline_access</c> itself).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The CRM API base URL, when the token response does not say (Salesforce's <c>instance_url</c> does).</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>The provider's name, kind and client id: never the client secret.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString() => $"OAuthProviderOptions {{ Name = {Name}, Kind = {Kind}, ClientId = {ClientId} }}";

    /// <summary>Checks the options (<see cref="Validate"/>) for a client that drives providers of one kind only.</summary>
    /// <param name="kind">The kind the client drives.</param>
    /// <param name="client">What drives that kind, as the refusal says it, e.g. "MSAL drives OpenID providers only".</param>
    /// <exception cref="OAuthConfigurationException">Something is missing or wrong, or the provider is of another kind.</exception>
    internal void ValidateFor(OAuthProviderKind kind, string client)
    {
        Validate();
        if (Kind != kind)
        {
            throw new OAuthConfigurationException($"OAuth provider '{Name}' is of kind {Kind}; {client}.");
        }
    }

    /// <summary>Checks the options and throws one exception listing every problem.</summary>
    /// <exception cref="OAuthConfigurationException">Something is missing or wrong.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("name is required");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add("client id is required");
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            problems.Add("client secret is required");
        }

        switch (Kind)
        {
            case OAuthProviderKind.Oidc:
                RequireHttps(problems, "authority", Authority);
                break;
            case OAuthProviderKind.OAuth2:
                RequireHttps(problems, "authorization endpoint", AuthorizationEndpoint);
                RequireHttps(problems, "token endpoint", TokenEndpoint);
                if (Scopes.Count == 0)
                {
                    problems.Add("at least one scope is required");
                }

                break;
            default:
                problems.Add($"kind must be oidc or oauth2, not {Kind}");
                break;
        }

        if (ApiBaseUrl is not null && !IsHttps(ApiBaseUrl))
        {
            problems.Add("api base url must be an absolute https URL");
        }

        if (Scopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            problems.Add("scopes must be non-empty and contain no spaces");
        }

        if (problems.Count > 0)
        {
            var name = string.IsNullOrWhiteSpace(Name) ? "(unnamed)" : Name;
            throw new OAuthConfigurationException($"OAuth provider '{name}' is misconfigured: {string.Join("; ", problems)}.");
        }
    }

    private static void RequireHttps(List<string> problems, string what, Uri? value)
    {
        if (value is null)
        {
            problems.Add($"{what} is required");
        }
        else if (!IsHttps(value))
        {
            problems.Add($"{what} must be an absolute https URL");
        }
    }

    private static bool IsHttps(Uri value) => value.IsAbsoluteUri && value.Scheme == Uri.UriSchemeHttps;
}
