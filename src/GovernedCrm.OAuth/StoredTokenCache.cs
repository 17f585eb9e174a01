using System.Text.Json.Serialization.Metadata;

namespace GovernedCrm.OAuth;

/// <summary>Reads a stored token cache (MSAL or plain OAuth 2.0) from its decrypted JSON bytes.</summary>
internal static class StoredTokenCache
{
    /// <summary>The cache, or null when the bytes are not a usable cache of this format (never throws: an unreadable cache reads as no token).</summary>
    public static TCache? TryDeserialize<TCache>(ReadOnlySpan<byte> bytes, JsonTypeInfo<TCache> format, Func<TCache, bool> usable)
        where TCache : class
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, format) is { } cache && usable(cache) ? cache : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
