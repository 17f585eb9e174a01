namespace GovernedCrm.OAuth.OAuth2;

/// <summary>Source-generated JSON for the OAuth 2.0 cache and token responses.</summary>
[JsonSerializable(typeof(OAuth2TokenCache))]
[JsonSerializable(typeof(OAuth2TokenResponse))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class OAuth2JsonContext : JsonSerializerContext;
