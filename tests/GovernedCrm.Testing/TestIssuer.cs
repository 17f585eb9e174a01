using System.Security.Cryptography;
using System.Text.Json;
using GovernedCrm.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernedCrm.Testing;

/// <summary>
/// A stand-in authorization server: an RSA and an EC P-256 key made at test time, their public halves in a
/// JWKS file (what <c>--jwt-keys</c> reads), and tokens minted locally with the IdentityModel handler.
/// </summary>
internal sealed class TestIssuer : IDisposable
{
    /// <summary>The issuer every token names by default (<c>--jwt-issuer</c>).</summary>
    public const string Issuer = "https://issuer.test/realm";

    /// <summary>The default audience: the first default --urls value + /mcp.</summary>
    public const string Audience = "http://127.0.0.1:5180/mcp";

    /// <summary>The RSA key's id in the JWKS file.</summary>
    public const string RsaKeyId = "rsa-1";

    /// <summary>The EC P-256 key's id in the JWKS file.</summary>
    public const string EcKeyId = "ec-1";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-jwks-").FullName;

    /// <summary>Makes the keys and writes their public halves to a JWKS file in a temporary folder.</summary>
    public TestIssuer()
    {
        JwksFile = Path.Combine(_folder, "issuer.jwks.json");
        File.WriteAllText(JwksFile, Jwks(RsaJwk(_rsa, RsaKeyId), EcJwk(_ec, EcKeyId)));
    }

    /// <summary>The JWKS file (what <c>--jwt-keys</c> reads).</summary>
    public string JwksFile { get; }

    /// <summary>The JWKS document with the public keys.</summary>
    public string JwksJson => File.ReadAllText(JwksFile);

    /// <summary>The trusted RSA key, RS256.</summary>
    public SigningCredentials Rs256 => new(new RsaSecurityKey(_rsa) { KeyId = RsaKeyId }, SecurityAlgorithms.RsaSha256);

    /// <summary>The trusted RSA key, PS256.</summary>
    public SigningCredentials Ps256 => new(new RsaSecurityKey(_rsa) { KeyId = RsaKeyId }, SecurityAlgorithms.RsaSsaPssSha256);

    /// <summary>The trusted EC key, ES256.</summary>
    public SigningCredentials Es256 => new(new ECDsaSecurityKey(_ec) { KeyId = EcKeyId }, SecurityAlgorithms.EcdsaSha256);

    /// <summary>The trusted RSA key with an algorithm outside the allowed set.</summary>
    public SigningCredentials Rs384 => new(new RsaSecurityKey(_rsa) { KeyId = RsaKeyId }, SecurityAlgorithms.RsaSha384);

    /// <summary>The algorithm-confusion attack: HMAC keyed with the trusted RSA key's public modulus.</summary>
    public SigningCredentials Hs256WithPublicKey =>
        new(new SymmetricSecurityKey(_rsa.ExportParameters(false).Modulus!) { KeyId = RsaKeyId }, SecurityAlgorithms.HmacSha256);

    /// <summary>Settings as <c>serve --http --jwt-issuer … --jwt-keys FILE</c> resolves them.</summary>
    public JwtSettings Settings(IReadOnlyDictionary<string, string>? environment = null, string? audience = null) =>
        JwtSettings.Resolve(new JwtOptions(Issuer, audience, JwksFile), HttpServer.DefaultUrls, name => environment?.GetValueOrDefault(name))!;

    /// <summary>A key the server does not trust, under a key id it does not know (or, if given, one it does).</summary>
    public static SigningCredentials Foreign(string keyId = "foreign-1") =>
        new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);

    /// <summary>Mints a token; by default valid for an hour, for <see cref="Issuer"/> and <see cref="Audience"/>, signed RS256.</summary>
    public string Token(
        string? subject,
        IDictionary<string, object>? claims = null,
        string issuer = Issuer,
        string audience = Audience,
        DateTime? expires = null,
        DateTime? notBefore = null,
        SigningCredentials? signing = null,
        bool withExpiry = true)
    {
        var now = DateTime.UtcNow;
        // Callers are reps unless the test says otherwise: the default policy lets a token without a known role do nothing.
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object> { ["roles"] = "rep" });
        if (subject is not null)
        {
            all["sub"] = subject;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = withExpiry ? expires ?? now.AddHours(1) : null,
            Claims = all,
            SigningCredentials = signing ?? Rs256,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) claiming to be <paramref name="subject"/>.</summary>
    public static string Unsigned(string subject)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["exp"] = exp,
        }));
        return $"{header}.{payload}.";
    }

    /// <summary>A JWKS document with <paramref name="keys"/> (JWK objects as JSON).</summary>
    public static string Jwks(params string[] keys) => $$"""{"keys":[{{string.Join(",", keys)}}]}""";

    /// <summary>The public half of <paramref name="rsa"/> as a JWK.</summary>
    public static string RsaJwk(RSA rsa, string keyId)
    {
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return $$"""{"kty":"RSA","use":"sig","kid":"{{keyId}}","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}""";
    }

    /// <summary>The public half of <paramref name="ec"/> as a JWK.</summary>
    public static string EcJwk(ECDsa ec, string keyId)
    {
        var p = ec.ExportParameters(includePrivateParameters: false);
        return $$"""{"kty":"EC","use":"sig","crv":"P-256","kid":"{{keyId}}","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}""";
    }

    /// <summary>Disposes the keys and removes the JWKS file's folder.</summary>
    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
        TempFolder.Delete(_folder);
    }
}
