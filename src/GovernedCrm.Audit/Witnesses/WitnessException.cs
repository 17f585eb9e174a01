namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// A witness could not be reached, or answered something other than what the protocol allows: nothing was published,
/// or (for verify) nothing could be checked. The message names the witness and says why, without credentials.
/// </summary>
public sealed class WitnessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WitnessException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public WitnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="inner">The cause.</param>
    public WitnessException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
