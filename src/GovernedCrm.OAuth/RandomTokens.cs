using System.Buffers.Text;
using System.Security.Cryptography;

namespace GovernedCrm.OAuth;

/// <summary>Unguessable URL-safe values for the OAuth flows: 32 random bytes, base64url (43 characters).</summary>
public static class RandomTokens
{
    /// <summary>A new value (state, PKCE verifier, connect request id, browser binding).</summary>
    /// <returns>43 base64url characters.</returns>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
