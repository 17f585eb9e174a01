namespace GovernedCrm.Governance.Approvals;

/// <summary>The answer to one decision: done, or refused with a stable code (<see cref="ApprovalCodes"/>).</summary>
/// <param name="Succeeded">True when the decision was recorded.</param>
/// <param name="Code">The refusal code, or null on success.</param>
/// <param name="Message">What happened, safe to show to the decider.</param>
/// <param name="Request">
/// The proposal as it is now (after the decision on success); null when the decider may not see it
/// (<see cref="ApprovalCodes.NotFound"/>).
/// </param>
public sealed record ApprovalResult(bool Succeeded, string? Code, string Message, ApprovalRequest? Request)
{
    internal static ApprovalResult Done(ApprovalRequest request, string message) => new(true, null, message, request);

    internal static ApprovalResult Refused(string code, string message, ApprovalRequest? request) => new(false, code, message, request);
}
