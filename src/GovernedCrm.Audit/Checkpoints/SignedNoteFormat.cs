using System.Buffers.Binary;
using System.Security.Cryptography;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>One signature line of a signed note, decoded but not verified.</summary>
/// <param name="KeyName">The key name on the line.</param>
/// <param name="KeyId">The first four bytes of the decoded signature (big-endian key id).</param>
/// <param name="Signature">The signature bytes after the key id.</param>
internal sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);

/// <summary>
/// The C2SP signed-note format (c2sp.org/signed-note) and the Go note key encodings
/// (golang.org/x/mod/sumdb/note): names, key ids, verifier keys, parsing.
/// </summary>
internal static class SignedNoteFormat
{
    /// <summary>The Ed25519 signature type byte.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>Ed25519 public keys and seeds are 32 bytes.</summary>
    public const int Ed25519KeyLength = 32;

    /// <summary>Ed25519 signatures are 64 bytes.</summary>
    public const int Ed25519SignatureLength = 64;

    /// <summary>The prefix of every signature line: em dash, space.</summary>
    public const string SignaturePrefix = "\u2014 ";

    /// <summary>The prefix of an encoded private key (Go's note.NewSigner form).</summary>
    public const string PrivateKeyPrefix = "PRIVATE+KEY+";

    /// <summary>More signature lines than this make a note malformed (the spec asks for at least 16; Go allows 100).</summary>
    public const int MaxSignatures = 100;

    /// <summary>Key names are non-empty, well-formed, without Unicode spaces or '+' (and, here, without control characters).</summary>
    public static bool IsValidKeyName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !IsWellFormed(name, allowNewline: false))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c == '+' || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True if the string encodes to valid UTF-8 (no unpaired surrogates) and has no ASCII control
    /// characters (below U+0020) other than, optionally, newline.
    /// </summary>
    public static bool IsWellFormed(string value, bool allowNewline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < '\u0020')
            {
                if (c != '\n' || !allowNewline)
                {
                    return false;
                }
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// key ID = SHA-256(key name || 0x0A || type || 32-byte Ed25519 public key)[:4], big-endian; the type is 0x01 for
    /// note signatures, 0x04 for tlog cosignatures (c2sp.org/tlog-cosignature).
    /// </summary>
    public static uint KeyId(string keyName, ReadOnlySpan<byte> publicKey, byte type = Ed25519Type)
    {
        var nameBytes = Encoding.UTF8.GetBytes(keyName);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>The verifier key "&lt;name&gt;+&lt;8 hex digits key id&gt;+&lt;base64(type || public key)&gt;".</summary>
    public static string FormatVerifierKey(string keyName, uint keyId, ReadOnlySpan<byte> publicKey, byte type = Ed25519Type)
    {
        var blob = new byte[1 + publicKey.Length];
        blob[0] = type;
        publicKey.CopyTo(blob.AsSpan(1));
        return string.Create(CultureInfo.InvariantCulture, $"{keyName}+{keyId:x8}+{Convert.ToBase64String(blob)}");
    }

    /// <summary>Parses an Ed25519 verifier key; the key id must match the name and the key.</summary>
    public static bool TryParseVerifierKey(string? verifierKey, out string keyName, out uint keyId, out byte[] publicKey) =>
        TryParseVerifierKey(verifierKey, Ed25519Type, out keyName, out keyId, out publicKey);

    /// <summary>Parses an Ed25519 verifier key of the given signature type; the key id must match the name and the key.</summary>
    public static bool TryParseVerifierKey(string? verifierKey, byte type, out string keyName, out uint keyId, out byte[] publicKey)
    {
        keyName = "";
        keyId = 0;
        publicKey = [];
        if (verifierKey is null)
        {
            return false;
        }

        var first = verifierKey.IndexOf('+', StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        var second = verifierKey.IndexOf('+', first + 1);
        if (second < 0)
        {
            return false;
        }

        var name = verifierKey[..first];
        if (!IsValidKeyName(name)
            || !TryParseKeyId(verifierKey.AsSpan(first + 1, second - first - 1), out var id)
            || !TryDecodeBase64Strict(verifierKey[(second + 1)..], out var blob)
            || blob.Length != 1 + Ed25519KeyLength
            || blob[0] != type)
        {
            return false;
        }

        var key = blob[1..];
        if (KeyId(name, key, type) != id)
        {
            return false;
        }

        keyName = name;
        keyId = id;
        publicKey = key;
        return true;
    }

    /// <summary>Exactly eight hex digits (either case), as Go's note package writes and reads them.</summary>
    public static bool TryParseKeyId(ReadOnlySpan<char> hex, out uint keyId)
    {
        keyId = 0;
        return hex.Length == 8 && uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out keyId);
    }

    /// <summary>Standard base64 (RFC 4648 section 4) with padding, no whitespace, canonical encoding only.</summary>
    public static bool TryDecodeBase64Strict(string? text, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.Length % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return false;
        }

        var decoded = buffer[..written];
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    /// <summary>
    /// Splits a signed note into its text (ending in newline) and its signature lines, checking the format only:
    /// valid UTF-8, no control characters but newline, text separated from the signatures by the last blank line,
    /// every signature line "— &lt;valid name&gt; &lt;base64 of at least 5 bytes&gt;".
    /// </summary>
    public static bool TryParse(string? note, out string text, out List<NoteSignature> signatures)
    {
        text = "";
        signatures = [];
        if (string.IsNullOrEmpty(note) || !IsWellFormed(note, allowNewline: true))
        {
            return false;
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var block = note.AsSpan(split + 2);
        if (block.IsEmpty || block[^1] != '\n')
        {
            return false;
        }

        var parsed = new List<NoteSignature>();
        while (!block.IsEmpty)
        {
            var end = block.IndexOf('\n');
            var line = block[..end];
            block = block[(end + 1)..];
            if (parsed.Count == MaxSignatures || !line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                return false;
            }

            line = line[SignaturePrefix.Length..];
            var space = line.IndexOf(' ');
            if (space < 0)
            {
                return false;
            }

            var name = line[..space].ToString();
            if (!IsValidKeyName(name)
                || !TryDecodeBase64Strict(line[(space + 1)..].ToString(), out var raw)
                || raw.Length < 5)
            {
                return false;
            }

            parsed.Add(new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(raw), raw[4..]));
        }

        text = note[..(split + 1)];
        signatures = parsed;
        return true;
    }

    /// <summary>The signature line "— &lt;name&gt; base64(key id || signature)\n".</summary>
    public static string FormatSignatureLine(string keyName, uint keyId, ReadOnlySpan<byte> signature)
    {
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, keyId);
        signature.CopyTo(blob.AsSpan(4));
        return SignaturePrefix + keyName + " " + Convert.ToBase64String(blob) + "\n";
    }
}
