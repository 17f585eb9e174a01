namespace GovernedCrm.Governance.Credentials;

/// <summary>
/// The per-user token store: one opaque serialized token cache (e.g. MSAL's <c>SerializeMsalV3</c> bytes) per
/// (MCP user, provider), encrypted at rest. A cache that cannot be read back for any reason reads as "not connected"
/// (<see langword="null"/>): there is never a fallback to plaintext and never another user's data.
/// </summary>
public interface ITokenVault
{
    /// <summary>Stores (replaces) the token cache of a user and provider, and marks the connection connected.</summary>
    /// <param name="user">The MCP user.</param>
    /// <param name="provider">The CRM provider.</param>
    /// <param name="tokenCache">The serialized token cache (plaintext; encrypted before it is written).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the cache is durably stored.</returns>
    Task StoreAsync(string user, string provider, ReadOnlyMemory<byte> tokenCache, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the token cache of a user and provider, or <see langword="null"/> when not connected: no row, the
    /// connection needs reconnecting, the key is missing or wrong, or the row was tampered with. Never throws for those.
    /// </summary>
    /// <param name="user">The MCP user.</param>
    /// <param name="provider">The CRM provider.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decrypted token cache, or <see langword="null"/> when not connected.</returns>
    Task<ReadOnlyMemory<byte>?> LoadAsync(string user, string provider, CancellationToken cancellationToken);

    /// <summary>Marks the connection as needing a reconnect (a revoked grant); later loads return <see langword="null"/> until the next store.</summary>
    /// <param name="user">The MCP user.</param>
    /// <param name="provider">The CRM provider.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the status is stored; nothing happens when there is no row.</returns>
    Task MarkNeedsReconnectAsync(string user, string provider, CancellationToken cancellationToken);

    /// <summary>Lists the connections (no secrets), of one user or of everyone, ordered by user then provider.</summary>
    /// <param name="user">Only this user's connections; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<TokenVaultEntry>> ListAsync(string? user, CancellationToken cancellationToken);

    /// <summary>Deletes the connection of a user and provider (disconnect); nothing happens when there is none.</summary>
    /// <param name="user">The MCP user.</param>
    /// <param name="provider">The CRM provider.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the row is gone.</returns>
    Task DeleteAsync(string user, string provider, CancellationToken cancellationToken);
}
