using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GovernedCrm.Persistence.Files;

namespace GovernedCrm.Store.Vault;

/// <summary>
/// The token vault's AES-256 keys, by id: the first key is current (it encrypts every write), all of them decrypt.
/// They come from <c>GOVERNEDCRM_VAULT_KEY</c> (<c>id:base64key[,id:base64key...]</c>) or else from the key file
/// <c>keys/vault.keys</c> in the data folder (one <c>id:base64key</c> per line, first line current; mode 0600, folder
/// 0700), never from a database. Key bytes are never logged or put in a message; <see cref="Dispose"/> zeroes them.
/// </summary>
public sealed partial class VaultKeyRing : IDisposable
{
    /// <summary>The environment variable that supplies the keys instead of the key file.</summary>
    public const string EnvironmentVariable = "GOVERNEDCRM_VAULT_KEY";

    /// <summary>The length of a key in bytes (AES-256).</summary>
    public const int KeyLength = 32;

    private const int MaxKeyFileBytes = 64 * 1024;

    private readonly List<(string Id, byte[] Key)> _keys;

    private VaultKeyRing(List<(string Id, byte[] Key)> keys, VaultKeySource source, string? filePath)
    {
        _keys = keys;
        Source = source;
        FilePath = filePath;
    }

    /// <summary>Where the keys came from.</summary>
    public VaultKeySource Source { get; }

    /// <summary>The key file, when the keys came from one.</summary>
    public string? FilePath { get; }

    /// <summary>The id of the current key (the first one), which encrypts every write.</summary>
    public string CurrentKeyId => _keys[0].Id;

    /// <summary>Every key id, current first.</summary>
    public IReadOnlyList<string> KeyIds => [.. _keys.Select(k => k.Id)];

    /// <summary>The key file of a data folder: <c>keys/vault.keys</c>.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <returns>The path.</returns>
    public static string KeyFilePathIn(string dataFolder) => Path.Combine(dataFolder, "keys", "vault.keys");

    /// <summary>Parses the keys of <c>GOVERNEDCRM_VAULT_KEY</c>: <c>id:base64key[,id:base64key...]</c>, the first current.</summary>
    /// <param name="value">The variable's value.</param>
    /// <returns>The key ring.</returns>
    /// <exception cref="VaultKeyException">The value is malformed (the message never repeats it).</exception>
    public static VaultKeyRing FromEnvironmentValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var keys = ParseEntries(value.Split(','), $"{EnvironmentVariable} is malformed", "entry");
        return new VaultKeyRing(keys, VaultKeySource.Environment, null);
    }

    /// <summary>Loads the key file.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The key ring.</returns>
    /// <exception cref="VaultKeyException">The file is missing, unreadable, accessible to group or others (Unix), or malformed.</exception>
    public static VaultKeyRing LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new VaultKeyException($"There is no vault key file at '{path}'.");
        }

        var bytes = OwnerOnlyKeyFile.Read(
            path, MaxKeyFileBytes, "vault key file", "rotate the keys",
            (message, cause) => cause is null ? new VaultKeyException(message) : new VaultKeyException(message, cause),
            () => new VaultKeyException($"The vault key file '{path}' is malformed: the file is too large."));

        string content;
        try
        {
            // As a text file: a byte order mark, where there is one, says the encoding (UTF-8 otherwise).
            using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            content = reader.ReadToEnd();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        var lines = content.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);
        var keys = ParseEntries(lines, $"The vault key file '{path}' is malformed", "line");
        return new VaultKeyRing(keys, VaultKeySource.File, path);
    }

    /// <summary>
    /// Loads the key file, or creates it with one new random key if it does not exist (mode 0600, folder 0700 on Unix;
    /// written atomically, never replacing a file another process created meanwhile).
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <returns>The key ring.</returns>
    /// <exception cref="VaultKeyException">The existing file cannot be used.</exception>
    public static VaultKeyRing LoadOrCreateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return LoadFile(path);
        }

        var keys = new List<(string Id, byte[] Key)> { NewKey() };
        bool created;
        var content = Encode(keys);
        try
        {
            created = OwnerOnlyFile.TryWriteNew(path, content);
        }
        catch
        {
            Zero(keys);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }

        if (!created)
        {
            // Another process created the file first: use its key, never replace it.
            Zero(keys);
            return LoadFile(path);
        }

        return new VaultKeyRing(keys, VaultKeySource.File, path);
    }

    /// <summary>
    /// Adds a new random key to the key file as the current key, keeping the older keys after it so rows they
    /// encrypt stay readable (creates the file when missing). The file is replaced atomically.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <returns>The new key ring, the new key current.</returns>
    /// <exception cref="VaultKeyException">The existing file cannot be used or written.</exception>
    public static VaultKeyRing AddKeyToFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        var keys = new List<(string Id, byte[] Key)>();
        try
        {
            // One writer at a time: another rotation, or a server creating the file on its first start, must not lose
            // the key this one adds or the key it wrote (rows it encrypts would become unreadable).
            using var gate = OwnerOnlyFile.Lock(path);
            if (File.Exists(path))
            {
                using var existing = LoadFile(path);
                keys.AddRange(existing._keys.Select(k => (k.Id, (byte[])k.Key.Clone())));
            }

            var added = NewKey();
            while (keys.Any(k => string.Equals(k.Id, added.Id, StringComparison.Ordinal)))
            {
                added = NewKey();
            }

            keys.Insert(0, added);
            var content = Encode(keys);
            try
            {
                OwnerOnlyFile.Replace(path, content);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(content);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Zero(keys);
            throw new VaultKeyException($"The vault key file '{path}' cannot be written: {ex.Message}", ex);
        }
        catch
        {
            Zero(keys);
            throw;
        }

        return new VaultKeyRing(keys, VaultKeySource.File, path);
    }

    /// <summary>Creates a ring with one new random key held only in memory (tests, tools): nothing is written anywhere.</summary>
    /// <param name="keyId">The key id; default a random one.</param>
    /// <returns>The key ring.</returns>
    public static VaultKeyRing Generate(string? keyId = null)
    {
        var key = NewKey();
        if (keyId is not null)
        {
            ThrowIfInvalidId(keyId);
            key.Id = keyId;
        }

        return new VaultKeyRing([key], VaultKeySource.Memory, null);
    }

    /// <summary>Zeroes the keys.</summary>
    public void Dispose() => Zero(_keys);

    /// <summary>The key with this id, if the ring has it.</summary>
    internal bool TryGetKey(string keyId, [NotNullWhen(true)] out byte[]? key)
    {
        foreach (var (id, bytes) in _keys)
        {
            if (string.Equals(id, keyId, StringComparison.Ordinal))
            {
                key = bytes;
                return true;
            }
        }

        key = null;
        return false;
    }

    internal byte[] CurrentKey => _keys[0].Key;

    private static (string Id, byte[] Key) NewKey() =>
        ("k" + RandomNumberGenerator.GetHexString(12, lowercase: true), RandomNumberGenerator.GetBytes(KeyLength));

    private static List<(string Id, byte[] Key)> ParseEntries(IEnumerable<string> entries, string problem, string what)
    {
        var keys = new List<(string Id, byte[] Key)>();
        var position = 0;
        try
        {
            foreach (var raw in entries)
            {
                position++;
                var entry = raw.Trim();
                var colon = entry.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    throw Malformed(problem, what, position, "expected id:base64key");
                }

                var id = entry[..colon];
                if (!KeyIdPattern().IsMatch(id))
                {
                    throw Malformed(problem, what, position, "the key id must be 1 to 64 letters, digits, '.', '_' or '-'");
                }

                if (keys.Any(k => string.Equals(k.Id, id, StringComparison.Ordinal)))
                {
                    throw Malformed(problem, what, position, $"the key id '{id}' appears twice");
                }

                var key = new byte[KeyLength];
                if (!Convert.TryFromBase64String(entry[(colon + 1)..], key, out var written) || written != KeyLength)
                {
                    CryptographicOperations.ZeroMemory(key);
                    throw Malformed(problem, what, position, $"the key of '{id}' is not base64 of {KeyLength} bytes");
                }

                keys.Add((id, key));
            }
        }
        catch
        {
            Zero(keys);
            throw;
        }

        if (keys.Count == 0)
        {
            throw new VaultKeyException($"{problem}: it holds no key (expected id:base64key, the first one current).");
        }

        return keys;
    }

    private static VaultKeyException Malformed(string problem, string what, int position, string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{problem}: {what} {position}: {reason} (expected id:base64key of {KeyLength} bytes, the first one current)."));

    private static void ThrowIfInvalidId(string keyId)
    {
        if (!KeyIdPattern().IsMatch(keyId))
        {
            throw new ArgumentException("A key id must be 1 to 64 letters, digits, '.', '_' or '-'.", nameof(keyId));
        }
    }

    // The key file's content: one "id:base64key" line per key, current first; the caller zeroes it.
    private static byte[] Encode(List<(string Id, byte[] Key)> keys)
    {
        var content = new StringBuilder();
        foreach (var (id, key) in keys)
        {
            content.Append(id).Append(':').Append(Convert.ToBase64String(key)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(content.ToString());
    }

    private static void Zero(List<(string Id, byte[] Key)> keys)
    {
        foreach (var (_, key) in keys)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}
