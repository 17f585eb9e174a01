using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Steps.Approval;

/// <summary>
/// Asks the requester, in their own session, to confirm a proposed change (MCP elicitation, in the MCP adapter).
/// The host puts one on a call only when the client can be asked.
/// </summary>
public interface IRequesterConfirmation
{
    /// <summary>Asks, and waits for the answer.</summary>
    /// <param name="request">What to show.</param>
    /// <param name="cancellationToken">Cancels the question (a timeout, the client going away).</param>
    /// <returns>The answer.</returns>
    ValueTask<ConfirmationAnswer> AskAsync(ConfirmationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// True when this call already carries the requester's answer to an earlier question (a retried multi
    /// round-trip request): the question was audited then and is not recorded again.
    /// </summary>
    bool CarriesAnswer => false;
}

/// <summary>What the requester is asked to confirm.</summary>
/// <param name="Call">The call.</param>
/// <param name="Approval">The policy's decision (rule, reason).</param>
/// <param name="Proposal">The properties, their current and proposed values, when the call writes a record.</param>
public sealed record ConfirmationRequest(GovernedCall Call, PolicyDecision.RequireApproval Approval, Proposal? Proposal);

/// <summary>The requester's answer.</summary>
public abstract record ConfirmationAnswer
{
    private ConfirmationAnswer()
    {
    }

    /// <summary>Confirmed, possibly with edited values.</summary>
    /// <param name="EditedProperties">The values the requester changed (name → value), or null when none.</param>
    public sealed record Accepted(JsonObject? EditedProperties) : ConfirmationAnswer;

    /// <summary>Declined: the change is not made.</summary>
    public sealed record Declined : ConfirmationAnswer;

    /// <summary>The answer cannot be trusted (a forged, altered, replayed or expired request state): refused.</summary>
    /// <param name="Code">A stable code.</param>
    /// <param name="Message">Why, safe to show.</param>
    public sealed record Refused(string Code, string Message) : ConfirmationAnswer;

    /// <summary>Could not be asked or gave no answer (no capability, stateless session, cancelled, timed out).</summary>
    /// <param name="Why">Why, for the tool result and the audit trail.</param>
    public sealed record Unavailable(string Why) : ConfirmationAnswer;
}
