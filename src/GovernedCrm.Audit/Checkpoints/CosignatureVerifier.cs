using System.Buffers.Binary;
using NSec.Cryptography;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// Verifies a witness's Ed25519 cosignature (c2sp.org/tlog-cosignature, cosignature/v1) on a checkpoint note against
/// the witness's pinned verifier key <c>&lt;name&gt;+&lt;hex key id&gt;+&lt;base64(0x04 || public key)&gt;</c>. Never throws
/// on malformed input.
/// </summary>
/// <remarks>
/// The signed message is <c>"cosignature/v1\ntime &lt;T&gt;\n"</c> followed by the checkpoint body; the signature line
/// carries key id (4 bytes) || timestamp (8 bytes, big-endian) || Ed25519 signature (64 bytes). As for
/// <see cref="NoteVerifier"/>: lines of other keys are ignored, every line naming the pinned key must verify, and at
/// least one must.
/// </remarks>
public static class CosignatureVerifier
{
    /// <summary>The signature type byte of Ed25519 cosignatures (in the key id and the verifier key).</summary>
    public const byte CosignatureType = 0x04;

    /// <summary>The signed message of a cosignature/v1 over <paramref name="checkpointBody"/> at <paramref name="timestamp"/>.</summary>
    /// <param name="checkpointBody">The checkpoint note text (with its final newline, without signature lines).</param>
    /// <param name="timestamp">The POSIX time of the cosignature.</param>
    /// <returns>The message bytes (UTF-8).</returns>
    public static byte[] Message(string checkpointBody, ulong timestamp) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {timestamp}\n{checkpointBody}"));

    /// <summary>The verifier key of a cosigner: its name and its 32-byte Ed25519 public key, with type 0x04.</summary>
    /// <param name="name">The cosigner's name.</param>
    /// <param name="publicKey">Its public key.</param>
    /// <returns>The verifier key to pin.</returns>
    public static string VerifierKey(string name, ReadOnlySpan<byte> publicKey) =>
        SignedNoteFormat.FormatVerifierKey(name, SignedNoteFormat.KeyId(name, publicKey, CosignatureType), publicKey, CosignatureType);

    /// <summary>Verifies the cosignature of <paramref name="witnessKey"/> on a signed checkpoint note.</summary>
    /// <param name="signedNote">The checkpoint with its signature lines (the log's and the witnesses').</param>
    /// <param name="witnessKey">The witness's pinned verifier key (type 0x04).</param>
    /// <param name="checkpoint">The checkpoint, when the cosignature verifies.</param>
    /// <param name="cosigned">When the witness cosigned it (the newest verified timestamp).</param>
    /// <returns>True when the note is a well-formed checkpoint carrying a valid cosignature by the key.</returns>
    public static bool TryVerify(string signedNote, string witnessKey, out Checkpoint? checkpoint, out DateTimeOffset cosigned)
    {
        checkpoint = null;
        cosigned = default;
        if (!SignedNoteFormat.TryParseVerifierKey(witnessKey, CosignatureType, out var name, out var keyId, out var rawKey)
            || !SignedNoteFormat.TryParse(signedNote, out var text, out var signatures)
            || !Checkpoint.TryParse(text, out var parsed)
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, rawKey, KeyBlobFormat.RawPublicKey, out var publicKey)
            || publicKey is null)
        {
            return false;
        }

        ulong newest = 0;
        var verified = false;
        foreach (var signature in signatures)
        {
            if (signature.KeyId != keyId || !string.Equals(signature.KeyName, name, StringComparison.Ordinal))
            {
                continue;
            }

            var blob = signature.Signature;
            if (blob.Length != 8 + SignedNoteFormat.Ed25519SignatureLength)
            {
                return false;
            }

            var timestamp = BinaryPrimitives.ReadUInt64BigEndian(blob);
            if (timestamp > long.MaxValue || !SignatureAlgorithm.Ed25519.Verify(publicKey, Message(text, timestamp), blob.AsSpan(8)))
            {
                return false;
            }

            newest = Math.Max(newest, timestamp);
            verified = true;
        }

        if (verified)
        {
            checkpoint = parsed;
            cosigned = DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(newest, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        }

        return verified;
    }
}
