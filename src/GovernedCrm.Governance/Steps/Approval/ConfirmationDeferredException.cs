using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Governance.Steps.Approval;

/// <summary>
/// Thrown by a requester confirmation whose answer comes back in a later request (MCP multi round-trip requests):
/// the host turns it into its protocol's "input required" answer, and the client calls again with the answer and
/// the signed state. It is control flow, not a failure: the audit step does not record it as one.
/// </summary>
public sealed class ConfirmationDeferredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfirmationDeferredException()
        : base("The requester's confirmation is asked for in a later round trip.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ConfirmationDeferredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConfirmationDeferredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What the host sends to the client (its protocol's question and signed state); opaque here.</summary>
    public object? Payload { get; init; }
}
