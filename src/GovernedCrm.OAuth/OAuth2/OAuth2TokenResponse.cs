namespace GovernedCrm.OAuth.OAuth2;

/// <summary>A token endpoint answer (RFC 6749 §5.1 and §5.2), success or error.</summary>
internal sealed record OAuth2TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("error")] string? Error)
{
    public override string ToString() => $"OAuth2TokenResponse {{ Error = {Error} }}";
}
