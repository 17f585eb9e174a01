using System.Security.Cryptography.X509Certificates;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// A syslog collector to send to (<c>--syslog HOST:PORT</c>): TLS unless <see cref="Plaintext"/> (RFC 5425), the
/// server certificate checked against the system's roots or, with <see cref="TrustedRoots"/>, only those
/// (<c>--syslog-ca FILE</c>), and its name against <see cref="Host"/>.
/// </summary>
/// <param name="Host">The host name or address (also the TLS name checked).</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Plaintext">True only with <c>--syslog-insecure-plaintext</c>: no TLS.</param>
/// <param name="TrustedRoots">The private CA certificates to trust instead of the system's roots, or null.</param>
internal sealed record SyslogTarget(string Host, int Port, bool Plaintext, X509Certificate2Collection? TrustedRoots)
{
    /// <summary>Parses <c>HOST:PORT</c> (<c>[v6]:PORT</c> for an IPv6 address).</summary>
    /// <exception cref="StartupException">The value is not HOST:PORT with a port 1-65535.</exception>
    public static (string Host, int Port) ParseAddress(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host.Contains(':', StringComparison.Ordinal) && !value.StartsWith('[')
            || !int.TryParse(value[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new StartupException($"--syslog must be HOST:PORT (e.g. siem.example.com:6514, [::1]:6514), not '{value}'");
        }

        return (host, port);
    }

    /// <summary>Reads the PEM certificates of <c>--syslog-ca</c>.</summary>
    /// <exception cref="StartupException">The file is missing or holds no certificate.</exception>
    public static X509Certificate2Collection ReadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new StartupException($"--syslog-ca {path} cannot be read as PEM certificates: {ex.Message}");
        }

        return roots.Count > 0 ? roots : throw new StartupException($"--syslog-ca {path} holds no PEM certificate");
    }

    /// <summary>For messages: <c>HOST:PORT</c> and whether TLS is used.</summary>
    public override string ToString() => $"{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port} ({(Plaintext ? "plaintext TCP" : "TLS")})";
}
