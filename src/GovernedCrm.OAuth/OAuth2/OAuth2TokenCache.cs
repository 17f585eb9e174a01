namespace GovernedCrm.OAuth.OAuth2;

/// <summary>
/// The token cache of a plain OAuth 2.0 connection, stored (encrypted) as a small UTF-8 JSON document:
/// <c>{"v":1,"access_token":…,"refresh_token":…,"expires_at":unix-seconds|null,"instance_url":…|null}</c>.
/// </summary>
internal sealed record OAuth2TokenCache(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_at")] long? ExpiresAt,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl)
{
    public const int CurrentVersion = 1;

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, OAuth2JsonContext.Default.OAuth2TokenCache);

    // Null when the bytes are not a cache of this format (never throws: an unreadable cache reads as no token).
    public static OAuth2TokenCache? TryDeserialize(ReadOnlySpan<byte> bytes) =>
        StoredTokenCache.TryDeserialize(bytes, OAuth2JsonContext.Default.OAuth2TokenCache, c => c.Version == CurrentVersion && !string.IsNullOrEmpty(c.AccessToken));

    public override string ToString() => "[OAuth 2.0 token cache]";
}
