namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// Why the pipeline did not run a tool. The code is stable and documented (for example
/// <c>validation.invalid_argument</c>); the message is safe to show to the model and the user.
/// </summary>
/// <param name="Code">A stable, documented code.</param>
/// <param name="Message">A plain explanation that names the problem and, where it helps, what is valid.</param>
/// <param name="Rule">The id of the rule that refused the call, when a policy rule did.</param>
public sealed record GovernanceRefusal(string Code, string Message, string? Rule = null)
{
    /// <summary>Set when the call did not run because its proposal waits for approval (not a denial).</summary>
    public Approvals.ApprovalPending? Pending { get; init; }

    /// <summary>Set when the call did not run because the caller must first connect their CRM account.</summary>
    public Steps.Credentials.ConnectionRequirement? Connection { get; init; }
}
