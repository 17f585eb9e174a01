namespace GovernedCrm.Store.Vault;

/// <summary>
/// The vault keys cannot be used: a malformed <c>GOVERNEDCRM_VAULT_KEY</c> value or key file, a key file readable by
/// group or others, or no key at all. The message names the problem, never key material.
/// </summary>
public sealed class VaultKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VaultKeyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public VaultKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public VaultKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
