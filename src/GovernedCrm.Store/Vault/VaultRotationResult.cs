namespace GovernedCrm.Store.Vault;

/// <summary>What a re-encryption pass did.</summary>
/// <param name="KeyId">The current key every readable row is now encrypted with.</param>
/// <param name="Rotated">Rows re-encrypted from an older key to the current one.</param>
/// <param name="AlreadyCurrent">Rows that were already encrypted with the current key (left as they were).</param>
/// <param name="Unreadable">Rows whose key is unknown or that fail authentication: left untouched, they read as not connected.</param>
public sealed record VaultRotationResult(string KeyId, int Rotated, int AlreadyCurrent, int Unreadable);
