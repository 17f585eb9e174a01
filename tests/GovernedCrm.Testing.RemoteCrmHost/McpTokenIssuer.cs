using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernedCrm.Testing.RemoteCrmHost;

/// <summary>Mints the MCP callers' bearer tokens (RS256, a key made at start) and writes the JWKS file the server reads.</summary>
internal sealed class McpTokenIssuer : IDisposable
{
    public const string Issuer = "https://issuer.e2e.test/";

    private readonly RSA _rsa = RSA.Create(2048);

    public McpTokenIssuer(string folder, string audience)
    {
        Audience = audience;
        JwksFile = Path.Combine(folder, "issuer.jwks.json");
        var p = _rsa.ExportParameters(includePrivateParameters: false);
        File.WriteAllText(JwksFile, $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"e2e-1","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}]}""");
    }

    public string Audience { get; }

    public string JwksFile { get; }

    public string Token(string subject)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["roles"] = "rep" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "e2e-1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _rsa.Dispose();
}
