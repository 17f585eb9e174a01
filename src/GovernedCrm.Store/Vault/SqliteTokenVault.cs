using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using GovernedCrm.Governance.Credentials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Store.Vault;

/// <summary>
/// The token vault in the governance database's <c>token_vault</c> table: each (user, provider) token cache is
/// encrypted with AES-256-GCM under the key ring's current key, with a random 12-byte nonce per write and associated
/// data binding it to its user and provider, so a blob copied into another row does not decrypt. A row whose key is
/// unknown or that fails authentication reads as not connected (logged at Warning with user and provider only);
/// there is never a plaintext fallback.
/// </summary>
public sealed partial class SqliteTokenVault : ITokenVault
{
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const string Connected = "connected";

    private const string Columns = """
        user AS User, provider AS Provider, key_id AS KeyId, nonce AS Nonce, ciphertext AS Ciphertext, tag AS Tag,
        status AS Status, updated_at AS UpdatedAt
        """;

    private readonly GovernanceDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the vault over an initialized governance database.</summary>
    /// <param name="database">The governance database, initialized (<see cref="GovernanceDatabase.InitializeAsync"/>).</param>
    /// <param name="keys">
    /// The key ring; <see langword="null"/> when no key could be found (every load reads as not connected, stores are refused).
    /// The vault does not dispose it.
    /// </param>
    /// <param name="time">The clock for <c>updated_at</c>.</param>
    /// <param name="logger">Where unreadable rows are reported (user and provider only).</param>
    public SqliteTokenVault(GovernanceDatabase database, VaultKeyRing? keys, TimeProvider time, ILogger<SqliteTokenVault>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        Keys = keys;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The key ring, or <see langword="null"/> when no key was found.</summary>
    public VaultKeyRing? Keys { get; }

    /// <summary>
    /// Opens (creating or migrating) the governance database of a data folder and returns its vault, with the keys
    /// found by <see cref="ResolveKeysAsync"/>.
    /// </summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="environmentValue">The value of <c>GOVERNEDCRM_VAULT_KEY</c>, if set.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The vault.</returns>
    /// <exception cref="InvalidDataException">The governance database is unusable.</exception>
    /// <exception cref="VaultKeyException">The environment value or the key file is malformed.</exception>
    public static async Task<SqliteTokenVault> OpenAsync(
        string dataFolder, string? environmentValue, TimeProvider time, ILogger<SqliteTokenVault>? logger, CancellationToken cancellationToken)
    {
        var database = GovernanceDatabase.InDataFolder(dataFolder);
        await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var keys = await ResolveKeysAsync(database, dataFolder, environmentValue, cancellationToken).ConfigureAwait(false);
        return new SqliteTokenVault(database, keys, time, logger);
    }

    /// <summary>
    /// Finds the vault keys: <c>GOVERNEDCRM_VAULT_KEY</c> when set, else the key file <c>keys/vault.keys</c>. A missing
    /// key file is created with one new key only while the vault is empty: when rows exist but the file is gone, a new
    /// key could never read them and would hide the loss, so the answer is <see langword="null"/> (not connected; restore
    /// the key file from a backup, or delete the rows to start over).
    /// </summary>
    /// <param name="database">The governance database, initialized.</param>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="environmentValue">The value of <c>GOVERNEDCRM_VAULT_KEY</c>, if set.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key ring, or <see langword="null"/> when rows exist without a key.</returns>
    /// <exception cref="VaultKeyException">The environment value or the key file is malformed.</exception>
    public static async Task<VaultKeyRing?> ResolveKeysAsync(
        GovernanceDatabase database, string dataFolder, string? environmentValue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return VaultKeyRing.FromEnvironmentValue(environmentValue);
        }

        var path = VaultKeyRing.KeyFilePathIn(dataFolder);
        if (File.Exists(path))
        {
            return VaultKeyRing.LoadFile(path);
        }

        return await CountRowsAsync(database, cancellationToken).ConfigureAwait(false) > 0 ? null : VaultKeyRing.LoadOrCreateFile(path);
    }

    /// <summary>How many rows the vault holds (any status, readable or not).</summary>
    /// <param name="database">The governance database, initialized.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The row count.</returns>
    public static async Task<long> CountRowsAsync(GovernanceDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM token_vault", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="VaultKeyException">There is no key (the key file is missing while encrypted rows exist).</exception>
    public async Task StoreAsync(string user, string provider, ReadOnlyMemory<byte> tokenCache, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(user, provider);
        var keys = Keys ?? throw new VaultKeyException(
            $"The token vault has no key: the key file is missing while encrypted rows exist. Restore {VaultKeyRing.KeyFilePathIn("<data>")} from a backup, or set {VaultKeyRing.EnvironmentVariable}.");
        var sealedRow = Seal(keys, user, provider, tokenCache.Span);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO token_vault (user, provider, key_id, nonce, ciphertext, tag, status, updated_at)
            VALUES (@user, @provider, @KeyId, @Nonce, @Ciphertext, @Tag, 'connected', @now)
            ON CONFLICT (user, provider) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,
                tag = excluded.tag, status = excluded.status, updated_at = excluded.updated_at
            """,
            new { user, provider, sealedRow.KeyId, sealedRow.Nonce, sealedRow.Ciphertext, sealedRow.Tag, now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> LoadAsync(string user, string provider, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(user, provider);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<VaultRow>(new CommandDefinition(
            $"SELECT {Columns} FROM token_vault WHERE user = @user AND provider = @provider",
            new { user, provider },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null || !string.Equals(row.Status, Connected, StringComparison.Ordinal))
        {
            return null;
        }

        // Not "plaintext is null ? null : …": a null byte[] converts implicitly to an empty ReadOnlyMemory, which would read as connected.
        var plaintext = Open(row);
        if (plaintext is null)
        {
            return null;
        }

        return new ReadOnlyMemory<byte>(plaintext);
    }

    /// <inheritdoc />
    public async Task MarkNeedsReconnectAsync(string user, string provider, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(user, provider);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE token_vault SET status = 'needs_reconnect', updated_at = @now WHERE user = @user AND provider = @provider",
            new { user, provider, now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TokenVaultEntry>> ListAsync(string? user, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string User, string Provider, string KeyId, string Status, long UpdatedAt)>(new CommandDefinition(
            """
            SELECT user, provider, key_id, status, updated_at FROM token_vault
            WHERE @user IS NULL OR user = @user
            ORDER BY user, provider
            """,
            new { user },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new TokenVaultEntry(
            r.User,
            r.Provider,
            string.Equals(r.Status, Connected, StringComparison.Ordinal) ? ConnectionStatus.Connected : ConnectionStatus.NeedsReconnect,
            r.KeyId,
            DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)))];
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string user, string provider, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(user, provider);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM token_vault WHERE user = @user AND provider = @provider",
            new { user, provider },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-encrypts every row not yet under the current key with the current key, one row at a time (each row is
    /// replaced in one statement that only applies if the row did not change meanwhile, so a concurrent store is never
    /// overwritten with older data). Unreadable rows are left untouched and counted. Status and <c>updated_at</c> are kept.
    /// </summary>
    /// <param name="cancellationToken">Cancels the pass (rows already re-encrypted stay so).</param>
    /// <returns>The counts.</returns>
    /// <exception cref="VaultKeyException">There is no key.</exception>
    public async Task<VaultRotationResult> RotateAsync(CancellationToken cancellationToken)
    {
        var keys = Keys ?? throw new VaultKeyException($"The token vault has no key to re-encrypt with: restore the key file, or set {VaultKeyRing.EnvironmentVariable}.");
        int rotated = 0, current = 0, unreadable = 0;
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = (await connection.QueryAsync<(string User, string Provider)>(new CommandDefinition(
            "SELECT user, provider FROM token_vault ORDER BY user, provider", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        foreach (var (user, provider) in ids)
        {
            var row = await connection.QuerySingleOrDefaultAsync<VaultRow>(new CommandDefinition(
                $"SELECT {Columns} FROM token_vault WHERE user = @user AND provider = @provider",
                new { user, provider },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is null)
            {
                continue;
            }

            if (string.Equals(row.KeyId, keys.CurrentKeyId, StringComparison.Ordinal))
            {
                current++;
                continue;
            }

            var plaintext = Open(row);
            if (plaintext is null)
            {
                unreadable++;
                continue;
            }

            var sealedRow = Seal(keys, user, provider, plaintext);
            CryptographicOperations.ZeroMemory(plaintext);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE token_vault SET key_id = @KeyId, nonce = @Nonce, ciphertext = @Ciphertext, tag = @Tag
                WHERE user = @user AND provider = @provider AND key_id = @oldKeyId AND nonce = @oldNonce
                """,
                new { user, provider, sealedRow.KeyId, sealedRow.Nonce, sealedRow.Ciphertext, sealedRow.Tag, oldKeyId = row.KeyId, oldNonce = row.Nonce },
                cancellationToken: cancellationToken)).ConfigureAwait(false);

            // A row changed meanwhile was rewritten by a store, which always uses the current key.
            if (changed == 1)
            {
                rotated++;
            }
            else
            {
                current++;
            }
        }

        return new VaultRotationResult(keys.CurrentKeyId, rotated, current, unreadable);
    }

    /// <summary>
    /// The associated data: <c>v1|</c>, then the user and the provider, each as a 4-byte big-endian UTF-8 length and
    /// its bytes, so no two (user, provider) pairs share an encoding (("a|b", "c") and ("a", "b|c") differ).
    /// </summary>
    internal static byte[] AssociatedData(string user, string provider)
    {
        var prefix = "v1|"u8;
        var userBytes = Encoding.UTF8.GetBytes(user);
        var providerBytes = Encoding.UTF8.GetBytes(provider);
        var data = new byte[prefix.Length + 4 + userBytes.Length + 4 + providerBytes.Length];
        var span = data.AsSpan();
        prefix.CopyTo(span);
        span = span[prefix.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, userBytes.Length);
        userBytes.CopyTo(span[4..]);
        span = span[(4 + userBytes.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, providerBytes.Length);
        providerBytes.CopyTo(span[4..]);
        return data;
    }

    private static SealedRow Seal(VaultKeyRing keys, string user, string provider, ReadOnlySpan<byte> plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagLength];
        using var aes = new AesGcm(keys.CurrentKey, TagLength);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(user, provider));
        return new SealedRow(keys.CurrentKeyId, nonce, ciphertext, tag);
    }

    // The plaintext, or null (logged) when the key is unknown or the row fails authentication.
    private byte[]? Open(VaultRow row)
    {
        if (Keys is null || !Keys.TryGetKey(row.KeyId, out var key))
        {
            LogUnknownKey(_logger, row.User, row.Provider);
            return null;
        }

        if (row.Nonce.Length != NonceLength || row.Tag.Length != TagLength)
        {
            LogUnreadable(_logger, row.User, row.Provider);
            return null;
        }

        var plaintext = new byte[row.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(row.Nonce, row.Ciphertext, row.Tag, plaintext, AssociatedData(row.User, row.Provider));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            LogUnreadable(_logger, row.User, row.Provider);
            return null;
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static void ThrowIfInvalid(string user, string provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(provider);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token vault row of user {User} for provider {Provider} is encrypted with a key that is not in the key ring: reads as not connected")]
    private static partial void LogUnknownKey(ILogger logger, string user, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token vault row of user {User} for provider {Provider} fails authentication (tampered, or a wrong key): reads as not connected")]
    private static partial void LogUnreadable(ILogger logger, string user, string provider);

    private sealed record SealedRow(string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

    /// <summary>One row of <c>token_vault</c>, as Dapper reads it.</summary>
    private sealed class VaultRow
    {
        public string User { get; set; } = "";

        public string Provider { get; set; } = "";

        public string KeyId { get; set; } = "";

        public byte[] Nonce { get; set; } = [];

        public byte[] Ciphertext { get; set; } = [];

        public byte[] Tag { get; set; } = [];

        public string Status { get; set; } = "";

        public long UpdatedAt { get; set; }
    }
}
