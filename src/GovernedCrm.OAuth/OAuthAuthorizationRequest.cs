namespace GovernedCrm.OAuth;

/// <summary>
/// An authorization request to send the user's browser to, and the PKCE code verifier to keep server-side (never in
/// the URL, a cookie or a log) until the code comes back.
/// </summary>
/// <param name="Url">The authorization URL (with state, redirect URI and the S256 code challenge).</param>
/// <param name="CodeVerifier">The PKCE code verifier.</param>
public sealed record OAuthAuthorizationRequest(Uri Url, string CodeVerifier)
{
    /// <summary>Never the code verifier.</summary>
    /// <returns>The URL only.</returns>
    public override string ToString() => $"OAuthAuthorizationRequest {{ Url = {Url} }}";
}
