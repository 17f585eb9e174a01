namespace GovernedCrm.OAuth.Msal;

/// <summary>
/// The stored token cache of an MSAL-driven connection, a UTF-8 JSON document:
/// <c>{"v":1,"account":home-account-id,"access_token":…,"expires_at":unix-seconds,"instance_url":…|null,"msal":base64(SerializeMsalV3)}</c>.
/// The current access token and its expiry sit beside MSAL's own cache so the broker can decide, by its own clock and
/// without calling MSAL, whether a refresh is due: every MSAL call then happens under the refresh lock, and MSAL's
/// own "expires within 5 minutes" rule never triggers a refresh outside it.
/// </summary>
internal sealed record MsalTokenCache(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("account")] string AccountId,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("msal")] byte[] Msal)
{
    public const int CurrentVersion = 1;

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, MsalJsonContext.Default.MsalTokenCache);

    // Null when the bytes are not a cache of this format (never throws: an unreadable cache reads as no token).
    public static MsalTokenCache? TryDeserialize(ReadOnlySpan<byte> bytes) =>
        StoredTokenCache.TryDeserialize(bytes, MsalJsonContext.Default.MsalTokenCache, c => c.Version == CurrentVersion && !string.IsNullOrEmpty(c.AccessToken) && !string.IsNullOrEmpty(c.AccountId));

    public override string ToString() => "[MSAL token cache]";
}
