using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.AdminConsole.SignIn;

/// <summary>
/// The one-time tokens of console sign-in links: 32 random bytes, base64url, and the SHA-256 that is all the
/// governance database keeps of them.
/// </summary>
public static class ConsoleLinkTokens
{
    /// <summary>How long a link works unless told otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The longest lifetime a link may be given.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    /// <summary>The path that accepts a link.</summary>
    public const string Path = ConsoleOptions.BasePath + "/link";

    /// <summary>The query parameter that carries the token.</summary>
    public const string Parameter = "token";

    /// <summary>A new token.</summary>
    /// <returns>43 base64url characters.</returns>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The hash stored for a token: SHA-256 of its UTF-8 bytes, lowercase hex.</summary>
    /// <param name="token">The token.</param>
    /// <returns>64 hex digits.</returns>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>The sign-in URL of a token on a server.</summary>
    /// <param name="serverUrl">Where the server listens, e.g. http://127.0.0.1:5180.</param>
    /// <param name="token">The token.</param>
    /// <returns>The URL.</returns>
    public static Uri Url(Uri serverUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        return new Uri(serverUrl, $"{Path}?{Parameter}={Uri.EscapeDataString(token)}");
    }

    /// <summary>True when <paramref name="token"/> looks like a token this class makes (so garbage is refused before any database work).</summary>
    /// <param name="token">The presented value.</param>
    /// <returns>Whether it is well-formed.</returns>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
