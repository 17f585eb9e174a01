namespace GovernedCrm.OAuth;

/// <summary>What redeeming an authorization code gives: the token cache to store, and who signed in.</summary>
/// <param name="TokenCache">The serialized token cache for the vault (secret).</param>
/// <param name="Subject">The provider-side subject of the signed-in account, when the provider says (an ID token's <c>sub</c>).</param>
public sealed record OAuthConnection(ReadOnlyMemory<byte> TokenCache, string? Subject)
{
    /// <summary>Never the cache.</summary>
    /// <returns>The subject only.</returns>
    public override string ToString() => $"OAuthConnection {{ Subject = {Subject} }}";
}
