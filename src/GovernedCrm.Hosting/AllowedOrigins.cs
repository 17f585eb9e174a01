namespace GovernedCrm.Hosting;

/// <summary>
/// The browser origins whose pages may call <c>/mcp</c>, <c>/sse</c> and <c>/message</c>: the server's own (the
/// origin of each <c>--urls</c> value that names one address or host, of the addresses actually bound, of the
/// connectors file's <c>publicUrl</c> and of the JWT audience) and those of <c>--allowed-origins</c>. Origins are
/// compared exactly after the standard serialization (<c>scheme://host[:port]</c>, lower case, default port
/// omitted); there is no wildcard.
/// </summary>
internal sealed class AllowedOrigins
{
    public const string Option = "--allowed-origins";
    public const string Variable = "GOVERNEDCRM_ALLOWED_ORIGINS";

    private readonly HashSet<string> _origins;

    private AllowedOrigins(HashSet<string> origins, IReadOnlyList<string> configured)
    {
        _origins = origins;
        Configured = configured;
    }

    /// <summary>The origins of <c>--allowed-origins</c>, serialized.</summary>
    public IReadOnlyList<string> Configured { get; }

    /// <summary>The server's own origins and the configured ones.</summary>
    /// <param name="settings">The HTTP settings (listen URLs, JWT audience, <c>--allowed-origins</c>).</param>
    /// <param name="publicUrl">The connectors file's public base URL, if any.</param>
    /// <returns>The set.</returns>
    /// <exception cref="StartupException">A configured value is not an origin, or a listen URL is bad.</exception>
    public static AllowedOrigins Resolve(HttpServerSettings settings, Uri? publicUrl)
    {
        var configured = new List<string>();
        foreach (var value in (settings.AllowedOrigins ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            configured.Add(Serialize(value.TrimEnd('/'))
                ?? throw new StartupException(
                    $"{Option} (or {Variable}): '{value}' is not an origin: write scheme://host[:port] without a path, e.g. https://app.example.com (there is no wildcard, and 'null' cannot be allowed)"));
        }

        var origins = new HashSet<string>(configured, StringComparer.Ordinal);
        foreach (var url in ListenUrlCheck.Check(settings.Urls))
        {
            if (url.Origin is { } own)
            {
                origins.Add(own);
            }
        }

        AddOriginOf(origins, publicUrl?.ToString());
        AddOriginOf(origins, settings.Jwt?.Audience);
        return new AllowedOrigins(origins, configured);
    }

    /// <summary>True when <paramref name="origin"/> (an <c>Origin</c> header value) is one of the set or of <paramref name="boundAddresses"/>.</summary>
    /// <param name="origin">The header value.</param>
    /// <param name="boundAddresses">The addresses the server is listening on (port 0 resolved).</param>
    /// <returns>Whether pages of that origin may call.</returns>
    public bool IsAllowed(string origin, IEnumerable<string> boundAddresses)
    {
        // An origin is scheme://host[:port] and nothing else; anything longer (a path, user info) is not one.
        if (Serialize(origin) is not { } serialized || !string.Equals(serialized, origin.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return false;
        }

        return _origins.Contains(serialized) || boundAddresses.Any(a => string.Equals(Serialize(a.TrimEnd('/')), serialized, StringComparison.Ordinal));
    }

    /// <summary>The serialized origin of <paramref name="value"/>, or null when it is not an http(s) origin.</summary>
    /// <param name="value">An origin, e.g. <c>https://app.example.com:8443</c>.</param>
    /// <returns>The serialized origin, or null.</returns>
    public static string? Serialize(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0 || uri.Host.Length == 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0
            || value.Contains('?', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal)
            || value.IndexOf('/', value.IndexOf("://", StringComparison.Ordinal) + 3) >= 0)
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return (uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}").ToLowerInvariant();
    }

    private static void AddOriginOf(HashSet<string> origins, string? url)
    {
        if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            if (Serialize(uri.GetLeftPart(UriPartial.Scheme) + uri.Authority) is { } origin)
            {
                origins.Add(origin);
            }
        }
    }
}
