namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// A step (or something a step calls, like a proposal reader) could not carry on for a reason the caller can act
/// on; it carries a stable code and a message safe to show. The host turns it into a tool error.
/// </summary>
public sealed class GovernedCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GovernedCallException()
        : this("governance.error", "The call could not be governed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public GovernedCallException(string message)
        : this("governance.error", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GovernedCallException(string message, Exception innerException)
        : base(message, innerException) => Code = "governance.error";

    /// <summary>Creates the exception.</summary>
    /// <param name="code">A stable code.</param>
    /// <param name="message">The message.</param>
    public GovernedCallException(string code, string message)
        : base(message) => Code = code;

    /// <summary>A stable code.</summary>
    public string Code { get; }
}
