namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// The audit signing key file cannot be used: it is readable by group or others, malformed, or holds the key
/// for another key name. The message names the file, never the key material.
/// </summary>
public sealed class AuditKeyException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AuditKeyException()
        : base("The audit signing key cannot be used.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the key file.</param>
    public AuditKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What is wrong, naming the key file.</param>
    /// <param name="innerException">The cause.</param>
    public AuditKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
