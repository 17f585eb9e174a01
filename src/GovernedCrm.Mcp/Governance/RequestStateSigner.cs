using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Signs and checks the <c>requestState</c> of a multi round-trip confirmation (protocol 2026-07-28). The state
/// comes back from the client, so it is bound by HMAC-SHA256 to the user, the tool, the digest of the exact
/// arguments, a nonce and an expiry; a forged, altered, replayed or expired state is refused. The key is made
/// when the server starts and never leaves it: a state outlives neither its expiry nor a restart.
/// </summary>
public sealed class RequestStateSigner
{
    /// <summary>How long a requester has to answer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The state is not one this server signed, or it was changed.</summary>
    public const string ForgedCode = "approval.invalid_state";

    /// <summary>The state was already used once.</summary>
    public const string ReplayedCode = "approval.replayed_state";

    /// <summary>The state is past its expiry.</summary>
    public const string ExpiredCode = "approval.expired_state";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the signer.</summary>
    /// <param name="time">Stamps and checks expiry.</param>
    public RequestStateSigner(TimeProvider time) => _time = time;

    /// <summary>Signs a state for one question.</summary>
    /// <param name="user">The requester.</param>
    /// <param name="tool">The tool.</param>
    /// <param name="argumentsDigest">The digest of the exact arguments.</param>
    /// <param name="executionId">The asking call's execution id.</param>
    /// <returns>The state: payload and signature, base64url.</returns>
    public string Sign(string user, string tool, string argumentsDigest, string executionId)
    {
        var payload = new JsonObject
        {
            ["v"] = 1,
            ["u"] = user,
            ["t"] = tool,
            ["d"] = argumentsDigest,
            ["n"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["e"] = (_time.GetUtcNow() + Lifetime).ToUnixTimeMilliseconds(),
            ["x"] = executionId,
        }.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url(bytes) + "." + Base64Url(HMACSHA256.HashData(_key, bytes));
    }

    /// <summary>Checks a state against the call it came back with, and uses up its nonce.</summary>
    /// <param name="state">The state from the client.</param>
    /// <param name="user">The caller now.</param>
    /// <param name="tool">The tool now.</param>
    /// <param name="argumentsDigest">The digest of the arguments now.</param>
    /// <returns>Null when the state is good, else the refusal code and message.</returns>
    public (string Code, string Message)? Verify(string state, string user, string tool, string argumentsDigest)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parts = state.Split('.');
        byte[] payload;
        byte[] signature;
        try
        {
            if (parts.Length != 2)
            {
                return Forged();
            }

            payload = FromBase64Url(parts[0]);
            signature = FromBase64Url(parts[1]);
        }
        catch (FormatException)
        {
            return Forged();
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return Forged();
        }

        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (root.GetProperty("u").GetString() != user || root.GetProperty("t").GetString() != tool || root.GetProperty("d").GetString() != argumentsDigest)
        {
            return Forged();
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiry = root.GetProperty("e").GetInt64();
        if (now >= expiry)
        {
            return (ExpiredCode, "The confirmation came back after it expired, so nothing was changed. Make the request again.");
        }

        foreach (var (nonce, until) in _used)
        {
            if (until <= now)
            {
                _used.TryRemove(nonce, out _);
            }
        }

        return _used.TryAdd(root.GetProperty("n").GetString()!, expiry)
            ? null
            : (ReplayedCode, "This confirmation was already used once, so it was refused. Make the request again.");

        static (string, string) Forged() =>
            (ForgedCode, "The confirmation state is not one this server issued for this call (it was forged or changed), so nothing was changed.");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
