using System.Text.Json.Serialization;
using GovernedCrm.Crm.Providers;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// Reads and checks the connectors file. Every problem is collected and reported together; a bad file stops the server
/// at startup (exit 2) before the data folder is touched. Client secrets are read from the environment variables the
/// file names and never printed. A provider's <c>type</c> is looked up in the <see cref="CrmProviderRegistry"/>, whose
/// entry checks the settings only that type has.
/// </summary>
internal static class ConnectorsFileLoader
{
    public const string EnvironmentVariable = "GOVERNEDCRM_CONNECTORS";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string? ResolvePath(string? option) => ConfiguredFile.Resolve(option, EnvironmentVariable);

    /// <summary>Loads and checks a connectors file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="environment">Reads environment variables (the secrets).</param>
    /// <param name="registry">The provider types the file may name (default: <see cref="CrmProviderRegistry.BuiltIn"/>).</param>
    /// <returns>The checked configuration.</returns>
    /// <exception cref="StartupException">The file is missing, not valid JSON, or inconsistent.</exception>
    public static ConnectorsConfiguration Load(string path, Func<string, string?> environment, CrmProviderRegistry? registry = null)
    {
        registry ??= CrmProviderRegistry.BuiltIn();
        ConnectorsFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<ConnectorsFile>(stream, Options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot read the connectors file {path}: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new StartupException($"the connectors file {path} is not valid: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw new StartupException($"the connectors file {path} is empty");
        }

        var errors = new List<string>();
        var providers = new Dictionary<string, ProviderConfiguration>(StringComparer.Ordinal);
        foreach (var (name, settings) in file.Providers)
        {
            if (Provider(name, settings, registry, environment, errors) is { } provider)
            {
                providers[name] = provider;
            }
        }

        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tenant, provider) in file.Tenants)
        {
            if (!file.Providers.ContainsKey(provider))
            {
                errors.Add($"tenants.{tenant}: provider '{provider}' is not declared under providers (declared: {Names(file.Providers.Keys)})");
            }

            tenants[tenant] = provider;
        }

        SignInConfiguration? signIn = null;
        if (file.SignIn is { } s)
        {
            CrmProviderChecks.RequireHttps("signIn.authority", s.Authority, errors);
            Require("signIn.clientId", s.ClientId, errors);
            var secret = Secret("signIn", s.ClientSecretVariable, environment, errors);
            if (s.Authority is not null && s.ClientId is not null && secret is not null)
            {
                signIn = new SignInConfiguration(s.Authority, s.ClientId, secret);
            }
        }

        if (file.PublicUrl is { } publicUrl && (!publicUrl.IsAbsoluteUri || (publicUrl.Scheme != Uri.UriSchemeHttps && !publicUrl.IsLoopback)))
        {
            errors.Add($"publicUrl: '{publicUrl}' must be an absolute https URL (http only on loopback)");
        }

        var baseFolder = Path.GetDirectoryName(path) ?? ".";
        var certificates = file.TrustedCertificates.Select(c => Path.GetFullPath(c, baseFolder)).ToList();
        foreach (var certificate in certificates.Where(c => !File.Exists(c)))
        {
            errors.Add($"trustedCertificates: {certificate} does not exist");
        }

        if (errors.Count > 0)
        {
            throw new StartupException(
                $"the connectors file {path} is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):" +
                string.Concat(errors.Select(e => Environment.NewLine + "  " + e)));
        }

        return new ConnectorsConfiguration(providers, tenants, file.PublicUrl, signIn, certificates);
    }

    private static ProviderConfiguration? Provider(
        string name, CrmProviderSettings settings, CrmProviderRegistry registry, Func<string, string?> environment, List<string> errors)
    {
        var at = $"providers.{name}";
        var before = errors.Count;
        Require($"{at}.clientId", settings.ClientId, errors);
        var secret = Secret(at, settings.ClientSecretVariable, environment, errors);
        if (settings.Scopes.Count == 0)
        {
            errors.Add($"{at}.scopes: list the scopes to ask for");
        }

        if (registry.TryGet(settings.Type, out var kind))
        {
            kind.Check(at, settings, errors);
        }
        else
        {
            errors.Add($"{at}.type: '{settings.Type}' is not a provider type (valid: {string.Join(", ", registry.Types)})");
        }

        if (settings.ApiBaseUrl is { } api && (!api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttps && !api.IsLoopback)))
        {
            errors.Add($"{at}.apiBaseUrl: '{api}' must be an absolute https URL (http only on loopback)");
        }

        return errors.Count > before ? null : new ProviderConfiguration(name, kind!, settings, secret!);
    }

    private static string? Secret(string at, string? variable, Func<string, string?> environment, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            errors.Add($"{at}.clientSecretVariable: name the environment variable that holds the client secret (secrets never go in this file)");
            return null;
        }

        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
        {
            errors.Add($"{at}.clientSecretVariable: the environment variable {variable} is not set");
            return null;
        }

        return value;
    }

    private static void Require(string at, string? value, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{at}: required");
        }
    }

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
}
