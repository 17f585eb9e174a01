using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace GovernedCrm.Hosting;

/// <summary>One checked <c>--urls</c> value: <c>http://HOST[:PORT][/]</c>, read the way Kestrel binds it.</summary>
/// <param name="Url">The value as given.</param>
/// <param name="Host">The host without brackets: <c>localhost</c>, an IP address, <c>*</c>, <c>+</c> or a host name.</param>
/// <param name="Port">The port (80 when none is given).</param>
/// <param name="IsLoopback">True when Kestrel binds it to loopback only (localhost or a loopback address).</param>
/// <param name="IsAnyAddress">True when it names no single address (0.0.0.0, [::], *, + or a host name, which Kestrel binds to every interface).</param>
internal sealed record ListenUrl(string Url, string Host, int Port, bool IsLoopback, bool IsAnyAddress)
{
    /// <summary>The browser origin of a page served at this URL (<c>http://host[:port]</c>); null when it names no single address.</summary>
    public string? Origin
    {
        get
        {
            if (IsAnyAddress && !ListenUrlCheck.IsHostName(Host))
            {
                return null;
            }

            var host = !IPAddress.TryParse(Host, out var address) ? Host
                : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]"
                : address.ToString();
            return Port == 80 ? $"http://{host}".ToLowerInvariant() : $"http://{host}:{Port.ToString(CultureInfo.InvariantCulture)}".ToLowerInvariant();
        }
    }
}

/// <summary>
/// Checks every <c>--urls</c> value before anything starts, so a bad one is one line and exit code 2 rather than
/// Kestrel's exception at bind time. Only plain <c>http://HOST[:PORT]</c> is accepted: Kestrel reads user info, a
/// query or an unparsable port as part of a host name and then binds every interface, so those are refused
/// rather than guessed at.
/// </summary>
internal static partial class ListenUrlCheck
{
    /// <summary>Checks a semicolon-separated <c>--urls</c> value.</summary>
    /// <param name="urls">The value.</param>
    /// <returns>The URLs, in order.</returns>
    /// <exception cref="StartupException">A value is empty or not a URL the server can listen on; the message names it and says why.</exception>
    public static IReadOnlyList<ListenUrl> Check(string? urls)
    {
        var all = ListenUrls.Split(urls ?? "");
        if (all.Count == 0)
        {
            throw new StartupException($"--urls is empty: give at least one URL to listen on, e.g. {HttpServer.DefaultUrls}");
        }

        return [.. all.Select(CheckOne)];
    }

    /// <summary>True for a DNS host name (letters, digits, hyphens and dots), which Kestrel binds to every interface.</summary>
    public static bool IsHostName(string host) => HostName().IsMatch(host) && !IPAddress.TryParse(host, out _);

    private static ListenUrl CheckOne(string url)
    {
        var parts = UrlShape().Match(url);
        if (!parts.Success)
        {
            throw Bad(url, $"is not a URL: write http://HOST:PORT, e.g. {HttpServer.DefaultUrls}");
        }

        var scheme = parts.Groups["scheme"].Value.ToLowerInvariant();
        var authority = parts.Groups["authority"].Value;
        var path = parts.Groups["path"].Value;
        if (scheme == "https")
        {
            throw Bad(url, "uses https, but the server has no TLS certificate configuration: listen on http:// (loopback) and terminate TLS at a reverse proxy");
        }

        if (scheme != "http")
        {
            throw Bad(url, $"has the scheme '{scheme}': only http:// is supported");
        }

        if (authority.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || authority.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(url, "is a Unix socket or named pipe: only http://HOST:PORT is supported");
        }

        if (parts.Groups["rest"].Length > 0)
        {
            throw Bad(url, "has a query or fragment: give only http://HOST:PORT");
        }

        if (path.Length > 0 && path != "/")
        {
            throw Bad(url, $"has a path ({path}): give only http://HOST:PORT; the server serves /mcp, /sse and /message itself");
        }

        if (authority.Contains('@', StringComparison.Ordinal))
        {
            throw Bad(url, "has user info (user@): give only http://HOST:PORT");
        }

        var (host, port) = SplitAuthority(url, authority);
        return Classify(url, host, port);
    }

    private static (string Host, int Port) SplitAuthority(string url, string authority)
    {
        string host;
        string? port;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(url, "has an IPv6 address without its closing ']'");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0 && !after.StartsWith(':'))
            {
                throw Bad(url, $"has '{after}' after the IPv6 address: write http://[ADDRESS]:PORT");
            }

            port = after.Length > 0 ? after[1..] : null;
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw Bad(url, $"has '[{host}]', which is not an IPv6 address");
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? null : authority[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw Bad(url, $"has no host: write http://HOST:PORT, e.g. {HttpServer.DefaultUrls}");
        }

        if (port is null)
        {
            return (host, 80);
        }

        if (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit))
        {
            throw Bad(url, $"has the port '{port}', which is not a number from 0 to 65535");
        }

        var number = int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture);
        return number <= 65535 ? (host, number) : throw Bad(url, $"has the port {number}, which is out of range (0 to 65535)");
    }

    private static ListenUrl Classify(string url, string host, int port)
    {
        if (host is "*" or "+")
        {
            return new ListenUrl(url, host, port, IsLoopback: false, IsAnyAddress: true);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return port == 0
                ? throw Bad(url, "asks for any free port on localhost, which Kestrel cannot do: use http://127.0.0.1:0")
                : new ListenUrl(url, host, port, IsLoopback: true, IsAnyAddress: false);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                throw Bad(url, $"is an IPv4-mapped IPv6 address, which the server cannot listen on: write the IPv4 address, e.g. http://{address.MapToIPv4()}:{port.ToString(CultureInfo.InvariantCulture)}");
            }

            var any = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
            return new ListenUrl(url, host, port, IPAddress.IsLoopback(address), any);
        }

        return IsHostName(host)
            ? new ListenUrl(url, host, port, IsLoopback: false, IsAnyAddress: true)
            : throw Bad(url, $"has the host '{host}', which is not an IP address, localhost or a host name");
    }

    private static StartupException Bad(string url, string problem) => new($"--urls {url} {problem}");

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?<authority>[^/?#]*)(?<path>[^?#]*)(?<rest>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex UrlShape();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?)*\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
