using System.Net;

namespace GovernedCrm.Hosting;

/// <summary>Reads the <c>--urls</c> value the way Kestrel does (semicolon separated) to decide what is loopback only.</summary>
internal static class ListenUrls
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// True when the URL binds to loopback only: localhost or a loopback address. Kestrel binds any other host
    /// name, and the wildcards <c>*</c> and <c>+</c>, to every interface, so those are not.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        return uri.IsLoopback && (uri.Host == "localhost" || IPAddress.TryParse(uri.IdnHost, out _));
    }

    /// <summary>True for hosts that name no single address a client could use (0.0.0.0, [::], *, +).</summary>
    public static bool IsWildcard(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
    }

    /// <summary>The URL clients use for the MCP endpoint when the server is reached at <paramref name="url"/>.</summary>
    public static string McpEndpoint(string url) => url.TrimEnd('/') + "/mcp";
}
