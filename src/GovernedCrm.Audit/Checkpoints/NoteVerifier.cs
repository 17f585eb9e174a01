using NSec.Cryptography;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// Verifies C2SP signed notes (c2sp.org/signed-note) against one pinned Ed25519 verifier key
/// (<c>&lt;name&gt;+&lt;hex key id&gt;+&lt;base64(0x01 || public key)&gt;</c>). Never throws on malformed input.
/// </summary>
/// <remarks>
/// Following the spec: signatures whose key name and key id are not both the pinned key's are ignored; every
/// signature that names the pinned key (name and id) must verify, or the whole note is rejected; at least one
/// must verify. A note is malformed (rejected) if it is not valid UTF-8, contains control characters other
/// than newline, has no blank line before the signature lines, has a signature line not of the form
/// <c>"— &lt;name&gt; &lt;base64&gt;"</c>, or has more than 100 signature lines.
/// </remarks>
public static class NoteVerifier
{
    /// <summary>Verifies a signed note against one verifier key.</summary>
    /// <param name="signedNote">The signed note.</param>
    /// <param name="verifierKey">The pinned verifier key.</param>
    /// <param name="text">The note text (with its final newline) if the note verifies, otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the note is well formed and validly signed by the key.</returns>
    public static bool TryVerify(string signedNote, string verifierKey, out string? text)
    {
        text = null;
        if (!SignedNoteFormat.TryParseVerifierKey(verifierKey, out var keyName, out var keyId, out var rawPublicKey)
            || !SignedNoteFormat.TryParse(signedNote, out var noteText, out var signatures)
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, rawPublicKey, KeyBlobFormat.RawPublicKey, out var publicKey)
            || publicKey is null)
        {
            return false;
        }

        byte[]? data = null;
        var verified = false;
        foreach (var signature in signatures)
        {
            if (signature.KeyId != keyId || !string.Equals(signature.KeyName, keyName, StringComparison.Ordinal))
            {
                continue;
            }

            data ??= Encoding.UTF8.GetBytes(noteText);
            if (signature.Signature.Length != SignedNoteFormat.Ed25519SignatureLength
                || !SignatureAlgorithm.Ed25519.Verify(publicKey, data, signature.Signature))
            {
                return false;
            }

            verified = true;
        }

        if (verified)
        {
            text = noteText;
        }

        return verified;
    }

    /// <summary>Verifies a signed note against one verifier key and parses its text as a checkpoint.</summary>
    /// <param name="signedNote">The signed checkpoint note.</param>
    /// <param name="verifierKey">The pinned verifier key.</param>
    /// <param name="checkpoint">The checkpoint if the note verifies and its text is a well-formed checkpoint.</param>
    /// <returns><see langword="true"/> if both hold.</returns>
    public static bool TryVerifyCheckpoint(string signedNote, string verifierKey, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        return TryVerify(signedNote, verifierKey, out var text) && Checkpoint.TryParse(text!, out checkpoint);
    }
}
