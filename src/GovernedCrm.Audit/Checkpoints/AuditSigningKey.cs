using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Unicode;
using GovernedCrm.Persistence.Files;
using NSec.Cryptography;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// The Ed25519 checkpoint signing key (C2SP signed-note signature type 0x01), kept in a key file outside any
/// database. The file holds one line in the form Go's <c>golang.org/x/mod/sumdb/note</c> reads and writes:
/// <c>PRIVATE+KEY+&lt;name&gt;+&lt;hex key id&gt;+&lt;base64(0x01 || 32-byte seed)&gt;</c>.
/// The private key lives in libsodium memory (NSec) and is never logged, exported or put in a message.
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    private const int MaxKeyFileBytes = 4096;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;
    private volatile bool _disposed;

    private AuditSigningKey(string keyName, Key key)
    {
        KeyName = keyName;
        _key = key;
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = SignedNoteFormat.KeyId(keyName, publicKey);
        VerifierKey = SignedNoteFormat.FormatVerifierKey(keyName, KeyId, publicKey);
    }

    /// <summary>The key name written on every signature line.</summary>
    public string KeyName { get; }

    /// <summary>The key id: SHA-256(key name || 0x0A || 0x01 || public key)[:4], big-endian.</summary>
    public uint KeyId { get; }

    /// <summary>
    /// The public verifier key to pin: <c>&lt;name&gt;+&lt;8 hex digits key id&gt;+&lt;base64(0x01 || 32-byte public key)&gt;</c>
    /// (the form of Go's note.NewVerifier).
    /// </summary>
    public string VerifierKey { get; }

    /// <summary>
    /// Loads the key from <paramref name="keyFilePath"/>, or creates a new key there if the file does not exist.
    /// A new file is written atomically (a temporary file in the same folder, flushed, then moved into place
    /// without replacing a file another process created meanwhile) with mode 0600 on Unix; a missing folder is
    /// created (0700 on Unix).
    /// </summary>
    /// <param name="keyFilePath">The key file.</param>
    /// <param name="keyName">The expected key name (non-empty, no Unicode spaces, no '+').</param>
    /// <returns>The key; dispose it to free the private key.</returns>
    /// <exception cref="AuditKeyException">
    /// The file is accessible to group or others (Unix), cannot be read, is malformed, or holds a key for another name.
    /// </exception>
    /// <exception cref="ArgumentException">The key name is not valid.</exception>
    public static AuditSigningKey LoadOrCreate(string keyFilePath, string keyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFilePath);
        ThrowIfInvalidName(keyName);
        var path = Path.GetFullPath(keyFilePath);
        return File.Exists(path) ? Load(path, keyName) : Create(path, keyName);
    }

    /// <summary>
    /// Loads the key from <paramref name="keyFilePath"/> without ever creating one (for readers such as verify and
    /// <c>audit pubkey</c>): a missing file is an error, and nothing on disk changes.
    /// </summary>
    /// <param name="keyFilePath">The key file.</param>
    /// <param name="keyName">The expected key name (non-empty, no Unicode spaces, no '+').</param>
    /// <returns>The key; dispose it to free the private key.</returns>
    /// <exception cref="AuditKeyException">
    /// The file is missing, is accessible to group or others (Unix), cannot be read, is malformed, or holds a key for another name.
    /// </exception>
    /// <exception cref="ArgumentException">The key name is not valid.</exception>
    public static AuditSigningKey LoadExisting(string keyFilePath, string keyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFilePath);
        ThrowIfInvalidName(keyName);
        var path = Path.GetFullPath(keyFilePath);
        if (!File.Exists(path))
        {
            throw new AuditKeyException($"There is no audit signing key file at '{path}'.");
        }

        return Load(path, keyName);
    }

    /// <summary>Creates a new key held only in memory (tests, tools, benchmarks): nothing is written anywhere.</summary>
    /// <param name="keyName">The key name (non-empty, no Unicode spaces, no '+').</param>
    /// <returns>The key.</returns>
    public static AuditSigningKey Generate(string keyName)
    {
        ThrowIfInvalidName(keyName);
        var seed = RandomNumberGenerator.GetBytes(SignedNoteFormat.Ed25519KeyLength);
        try
        {
            return new AuditSigningKey(keyName, Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Signs a note text and returns the whole signed note: the text, a blank line and
    /// <c>"— &lt;name&gt; &lt;base64(key id || 64-byte Ed25519 signature)&gt;\n"</c> (C2SP signed-note).
    /// The signature covers the UTF-8 bytes of the text exactly, including its final newline.
    /// </summary>
    /// <param name="text">The note text: ends with a newline, no control characters other than newline.</param>
    /// <returns>The signed note.</returns>
    /// <exception cref="ArgumentException">The text is not a valid note text.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public string SignNote(string text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n' || !SignedNoteFormat.IsWellFormed(text, allowNewline: true))
        {
            throw new ArgumentException(
                "A note text must end with a newline and must not contain control characters other than newline or unpaired surrogates.",
                nameof(text));
        }

        var data = Encoding.UTF8.GetBytes(text);
        Span<byte> signature = stackalloc byte[SignedNoteFormat.Ed25519SignatureLength];
        Algorithm.Sign(_key, data, signature);
        return text + "\n" + SignedNoteFormat.FormatSignatureLine(KeyName, KeyId, signature);
    }

    /// <summary>Signs a checkpoint: <c>SignNote(checkpoint.ToBody())</c>.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The signed checkpoint note.</returns>
    public string SignCheckpoint(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SignNote(checkpoint.ToBody());
    }

    /// <summary>Frees the private key.</summary>
    public void Dispose()
    {
        _disposed = true;
        _key.Dispose();
    }

    private static void ThrowIfInvalidName(string keyName)
    {
        if (!SignedNoteFormat.IsValidKeyName(keyName))
        {
            throw new ArgumentException("A key name must be non-empty and contain no spaces, '+' or control characters.", nameof(keyName));
        }
    }

    private static AuditSigningKey Load(string path, string keyName)
    {
        var content = OwnerOnlyKeyFile.Read(
            path, MaxKeyFileBytes, "audit signing key file", "replace the key",
            (message, cause) => cause is null ? new AuditKeyException(message) : new AuditKeyException(message, cause),
            () => Malformed(path, "the file is too large"));

        try
        {
            return Parse(path, content, keyName);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>Parses "PRIVATE+KEY+name+hex+base64" (one optional trailing newline) without putting the secret in a string.</summary>
    private static AuditSigningKey Parse(string path, ReadOnlySpan<byte> content, string keyName)
    {
        if (content.EndsWith("\r\n"u8))
        {
            content = content[..^2];
        }
        else if (content.EndsWith("\n"u8))
        {
            content = content[..^1];
        }

        if (!content.StartsWith("PRIVATE+KEY+"u8))
        {
            throw Malformed(path, "it does not start with PRIVATE+KEY+");
        }

        var rest = content["PRIVATE+KEY+"u8.Length..];
        var nameEnd = rest.IndexOf((byte)'+');
        if (nameEnd < 0 || !Utf8.IsValid(rest[..nameEnd]))
        {
            throw Malformed(path, "no valid key name");
        }

        var fileKeyName = Encoding.UTF8.GetString(rest[..nameEnd]);
        rest = rest[(nameEnd + 1)..];
        var idEnd = rest.IndexOf((byte)'+');
        if (!SignedNoteFormat.IsValidKeyName(fileKeyName) || idEnd < 0
            || !SignedNoteFormat.TryParseKeyId(Encoding.ASCII.GetString(rest[..idEnd]), out var fileKeyId))
        {
            throw Malformed(path, "no valid key name and key id");
        }

        var encoded = rest[(idEnd + 1)..];
        Span<byte> blob = stackalloc byte[1 + SignedNoteFormat.Ed25519KeyLength];
        Span<byte> reencoded = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(blob.Length)];
        try
        {
            if (encoded.Length != reencoded.Length
                || Base64.DecodeFromUtf8(encoded, blob, out _, out var written) != OperationStatus.Done
                || written != blob.Length
                || Base64.EncodeToUtf8(blob, reencoded, out _, out _) != OperationStatus.Done
                || !reencoded.SequenceEqual(encoded))
            {
                throw Malformed(path, "the key is not base64 of 33 bytes");
            }

            if (blob[0] != SignedNoteFormat.Ed25519Type)
            {
                throw Malformed(path, "the key is not an Ed25519 key (type 0x01)");
            }

            var key = Key.Import(Algorithm, blob[1..], KeyBlobFormat.RawPrivateKey);
            var signingKey = new AuditSigningKey(fileKeyName, key);
            if (signingKey.KeyId != fileKeyId)
            {
                signingKey.Dispose();
                throw Malformed(path, "the key id does not match the key");
            }

            if (!string.Equals(fileKeyName, keyName, StringComparison.Ordinal))
            {
                signingKey.Dispose();
                throw new AuditKeyException($"The audit signing key file '{path}' holds the key named '{fileKeyName}', not '{keyName}'.");
            }

            return signingKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blob);
            CryptographicOperations.ZeroMemory(reencoded);
        }
    }

    private static AuditKeyException Malformed(string path, string reason) => new(
        $"The audit signing key file '{path}' is malformed: {reason}. It must hold one line PRIVATE+KEY+<name>+<key id>+<base64 key>; restore it from a backup, or move it away to create a new key.");

    private static AuditSigningKey Create(string path, string keyName)
    {
        var seed = RandomNumberGenerator.GetBytes(SignedNoteFormat.Ed25519KeyLength);
        var key = new AuditSigningKey(keyName, Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey));
        var content = EncodePrivateKey(keyName, key.KeyId, seed, out var length);
        CryptographicOperations.ZeroMemory(seed);
        bool created;
        try
        {
            created = OwnerOnlyFile.TryWriteNew(path, content.AsSpan(0, length));
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }

        if (created)
        {
            return key;
        }

        // Another process created the key first: use its key, never replace it.
        key.Dispose();
        return Load(path, keyName);
    }

    /// <summary>The key file content "PRIVATE+KEY+name+hex+base64(0x01 || seed)\n"; the caller zeroes the returned buffer.</summary>
    private static byte[] EncodePrivateKey(string keyName, uint keyId, ReadOnlySpan<byte> seed, out int length)
    {
        var blob = new byte[1 + seed.Length];
        try
        {
            blob[0] = SignedNoteFormat.Ed25519Type;
            seed.CopyTo(blob.AsSpan(1));
            var prefix = Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{SignedNoteFormat.PrivateKeyPrefix}{keyName}+{keyId:x8}+"));
            var content = new byte[prefix.Length + Base64.GetMaxEncodedToUtf8Length(blob.Length) + 1];
            prefix.CopyTo(content, 0);
            Base64.EncodeToUtf8(blob, content.AsSpan(prefix.Length), out _, out var written);
            content[prefix.Length + written] = (byte)'\n';
            length = prefix.Length + written + 1;
            return content;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blob);
        }
    }
}
