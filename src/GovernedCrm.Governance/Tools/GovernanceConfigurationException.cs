namespace GovernedCrm.Governance.Tools;

/// <summary>The server's governance setup is incomplete or contradictory; thrown at startup, never per call.</summary>
public sealed class GovernanceConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GovernanceConfigurationException()
    {
    }

    /// <summary>Creates the exception with an actionable message.</summary>
    /// <param name="message">What is wrong and what to add.</param>
    public GovernanceConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an actionable message and its cause.</summary>
    /// <param name="message">What is wrong and what to add.</param>
    /// <param name="innerException">The cause.</param>
    public GovernanceConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
