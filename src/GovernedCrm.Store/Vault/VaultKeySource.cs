namespace GovernedCrm.Store.Vault;

/// <summary>Where the vault keys came from.</summary>
public enum VaultKeySource
{
    /// <summary>The <c>GOVERNEDCRM_VAULT_KEY</c> environment variable: rotated by the operator, never written by governed-crm.</summary>
    Environment,

    /// <summary>The key file <c>keys/vault.keys</c> in the data folder.</summary>
    File,

    /// <summary>Generated in memory (tests, tools): nothing is written anywhere.</summary>
    Memory,
}
