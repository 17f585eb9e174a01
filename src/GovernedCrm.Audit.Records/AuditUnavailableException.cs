namespace GovernedCrm.Audit.Records;

/// <summary>The audit trail cannot be written (locked, read-only, full, corrupt). Whatever needed the entry must not happen.</summary>
public sealed class AuditUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditUnavailableException()
        : base("The audit trail cannot be written.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The cause.</param>
    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
