namespace GovernedCrm.Crm;

/// <summary>A CRM request that cannot be carried out, with a stable code and a message safe to show to the caller.</summary>
public sealed class CrmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CrmException()
        : this(CrmErrorCodes.Unavailable, "The CRM request failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public CrmException(string message)
        : this(CrmErrorCodes.Unavailable, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CrmException(string message, Exception innerException)
        : base(message, innerException) => Code = CrmErrorCodes.Unavailable;

    /// <summary>Creates the exception.</summary>
    /// <param name="code">A stable code from <see cref="CrmErrorCodes"/>.</param>
    /// <param name="message">What went wrong, naming the problem and what is valid.</param>
    public CrmException(string code, string message)
        : base(message) => Code = code;

    /// <summary>A stable code from <see cref="CrmErrorCodes"/>.</summary>
    public string Code { get; }
}
