using Microsoft.IdentityModel.Tokens;

namespace GovernedCrm.Hosting;

/// <summary>The JWT options given on the <c>serve</c> command line; each falls back to its environment variable.</summary>
/// <param name="Issuer"><c>--jwt-issuer</c>.</param>
/// <param name="Audience"><c>--jwt-audience</c>.</param>
/// <param name="KeysFile"><c>--jwt-keys</c>.</param>
internal sealed record JwtOptions(string? Issuer, string? Audience, string? KeysFile)
{
    public static JwtOptions None { get; } = new(null, null, null);
}

/// <summary>
/// How <c>serve --http</c> validates bearer tokens: the issuer (authorization server), the audience (this
/// server's MCP URL), where the signing keys come from (a JWKS file, else the issuer's discovery document) and
/// which claims name the caller. Built from the command line and the environment, command line first; every
/// bad value is a <see cref="StartupException"/> with one line that names the option and the problem.
/// </summary>
/// <param name="issuer">The expected issuer.</param>
/// <param name="audience">The expected audience.</param>
/// <param name="keysFile">The JWKS file, if the keys come from one.</param>
/// <param name="signingKeys">The keys read from it.</param>
/// <param name="claims">The claims that name the caller.</param>
internal sealed class JwtSettings(string issuer, string audience, string? keysFile, IReadOnlyList<SecurityKey>? signingKeys, TokenClaimOptions claims)
{
    public const string IssuerOption = "--jwt-issuer";
    public const string AudienceOption = "--jwt-audience";
    public const string KeysOption = "--jwt-keys";
    public const string IssuerVariable = "GOVERNEDCRM_JWT_ISSUER";
    public const string AudienceVariable = "GOVERNEDCRM_JWT_AUDIENCE";
    public const string KeysVariable = "GOVERNEDCRM_JWT_KEYS";
    public const string RolesClaimVariable = "GOVERNEDCRM_JWT_ROLES_CLAIM";
    public const string TenantClaimVariable = "GOVERNEDCRM_JWT_TENANT_CLAIM";

    /// <summary>The only signature algorithms accepted: asymmetric, so the server never holds a signing secret.</summary>
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    /// <summary>The expected <c>iss</c>, exactly as the authorization server writes it.</summary>
    public string Issuer { get; } = issuer;

    /// <summary>The expected <c>aud</c>: this server's MCP resource URL.</summary>
    public string Audience { get; } = audience;

    /// <summary>The JWKS file the keys were read from; null when they come from discovery.</summary>
    public string? KeysFile { get; } = keysFile;

    /// <summary>The issuer's public signing keys from <see cref="KeysFile"/>; null when they come from discovery.</summary>
    public IReadOnlyList<SecurityKey>? SigningKeys { get; } = signingKeys;

    /// <summary>The claims that name the user, roles and tenant.</summary>
    public TokenClaimOptions Claims { get; } = claims;

    /// <summary>The issuer's OpenID discovery document, which points to its signing keys.</summary>
    public string MetadataAddress => Issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>Discovery over plain HTTP is accepted only from an issuer on this machine (development).</summary>
    public bool RequireHttpsMetadata => !ListenUrls.IsLoopback(Issuer);

    /// <summary>Reads the JWT settings; null when no issuer is configured (the server then serves the local user, loopback only).</summary>
    /// <param name="cli">The command-line values.</param>
    /// <param name="urls">The <c>--urls</c> value, for the default audience.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The settings, or null.</returns>
    /// <exception cref="StartupException">A value is invalid or the keys file cannot be used.</exception>
    public static JwtSettings? Resolve(JwtOptions cli, string urls, Func<string, string?> environment)
    {
        var issuer = Setting(cli.Issuer, IssuerOption, IssuerVariable, environment);
        var audience = Setting(cli.Audience, AudienceOption, AudienceVariable, environment);
        var keys = Setting(cli.KeysFile, KeysOption, KeysVariable, environment);
        if (issuer is null)
        {
            var orphan = audience ?? keys;
            return orphan is null
                ? null
                : throw new StartupException($"{orphan.Value.Name} needs an issuer: set {IssuerOption} (or {IssuerVariable}) to the authorization server's URL");
        }

        var issuerUrl = CheckIssuer(issuer.Value);
        var audienceUrl = audience is { } a ? CheckAudience(a) : DefaultAudience(urls);
        IReadOnlyList<SecurityKey>? signingKeys = null;
        if (keys is { } k)
        {
            signingKeys = ReadKeys(k);
        }
        else if (!issuerUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !ListenUrls.IsLoopback(issuerUrl))
        {
            throw new StartupException(
                $"{issuer.Value.Name} {issuerUrl} is plain HTTP: its signing keys would be fetched unprotected. Use an https issuer or give the keys with {KeysOption} (or {KeysVariable})");
        }

        var claims = new TokenClaimOptions
        {
            RolesClaim = ClaimName(environment(RolesClaimVariable)) ?? TokenClaimOptions.DefaultRolesClaim,
            TenantClaim = ClaimName(environment(TenantClaimVariable)) ?? TokenClaimOptions.DefaultTenantClaim,
        };
        return new JwtSettings(issuerUrl, audienceUrl, keys?.Value, signingKeys, claims);
    }

    private static NamedValue? Setting(string? cli, string option, string variable, Func<string, string?> environment)
    {
        if (cli is not null)
        {
            return string.IsNullOrWhiteSpace(cli)
                ? throw new StartupException($"{option} is empty")
                : new NamedValue(option, cli.Trim());
        }

        var value = environment(variable);
        return string.IsNullOrWhiteSpace(value) ? null : new NamedValue(variable, value.Trim());
    }

    private static string? ClaimName(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string CheckIssuer(NamedValue issuer)
    {
        if (!Uri.TryCreate(issuer.Value, UriKind.Absolute, out var uri) || uri.IsFile || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new StartupException(
                $"{issuer.Name} '{issuer.Value}' is not an absolute http(s) URL without query or fragment: give the authorization server's issuer, e.g. https://login.example.com/realm");
        }

        return issuer.Value;
    }

    private static string CheckAudience(NamedValue audience)
    {
        if (!Uri.TryCreate(audience.Value, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            throw new StartupException(
                $"{audience.Name} '{audience.Value}' is not an absolute URL: give the URL clients use for this server's MCP endpoint, e.g. https://crm.example.com/mcp");
        }

        return audience.Value;
    }

    private static string DefaultAudience(string urls)
    {
        var all = ListenUrls.Split(urls);
        var first = all.Count > 0 ? all[0] : null;
        if (first is null || ListenUrls.IsWildcard(first))
        {
            throw new StartupException(
                $"cannot derive the token audience from --urls '{urls}': set {AudienceOption} (or {AudienceVariable}) to the URL clients use for this server's MCP endpoint, e.g. https://crm.example.com/mcp");
        }

        return ListenUrls.McpEndpoint(first);
    }

    private static List<SecurityKey> ReadKeys(NamedValue file)
    {
        var path = file.Value;
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new StartupException($"{file.Name} {path}: cannot read the file: {ex.Message}", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("keys", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(file, "not a JWKS document: it needs a \"keys\" array");
            }
        }
        catch (JsonException ex)
        {
            throw Invalid(file, $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }

        JsonWebKeySet set;
        try
        {
            set = JsonWebKeySet.Create(json);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(file, "not a JWKS document", ex);
        }

        var keys = new List<SecurityKey>();
        for (var i = 0; i < set.Keys.Count; i++)
        {
            var key = set.Keys[i];
            var name = string.IsNullOrEmpty(key.Kid) ? $"key #{i + 1}" : $"key '{key.Kid}'";
            if (!string.IsNullOrEmpty(key.D) || !string.IsNullOrEmpty(key.K))
            {
                // The file is configuration, copied and read by more people than a key store: no secrets in it.
                throw Invalid(file, $"{name} holds private or secret key material: give the issuer's public keys only");
            }

            if (key.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve) || key.Use == JsonWebKeyUseNames.Enc)
            {
                continue;
            }

            var converted = new JsonWebKeySet { Keys = { key } }.GetSigningKeys();
            if (converted.Count == 0)
            {
                throw Invalid(file, $"{name} is not a valid {key.Kty} public key");
            }

            keys.AddRange(converted);
        }

        return keys.Count > 0 ? keys : throw Invalid(file, "has no RSA or EC signing key");
    }

    private static StartupException Invalid(NamedValue file, string problem, Exception? inner = null) =>
        new($"{file.Name} {file.Value}: {problem}", inner ?? new InvalidDataException(problem));

    private readonly record struct NamedValue(string Name, string Value);
}
