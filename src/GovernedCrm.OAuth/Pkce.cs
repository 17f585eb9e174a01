using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.OAuth;

/// <summary>PKCE (RFC 7636) with S256: a random 43-character verifier and its SHA-256 challenge.</summary>
internal static class Pkce
{
    public static string CreateVerifier() => RandomTokens.New();

    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
