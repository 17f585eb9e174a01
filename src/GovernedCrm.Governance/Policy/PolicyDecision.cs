namespace GovernedCrm.Governance.Policy;

/// <summary>A policy's answer for one call. Decisions are data so they can be explained, tested and audited.</summary>
public abstract record PolicyDecision
{
    private PolicyDecision()
    {
    }

    /// <summary>The version (content hash) of the policy that decided.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>The id of the rule that decided.</summary>
    public required string Rule { get; init; }

    /// <summary>The call may run.</summary>
    public sealed record Allow : PolicyDecision
    {
        /// <summary>Properties the caller may not read: their values are redacted from the call's results.</summary>
        public IReadOnlySet<string> RedactedFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>The call must not run.</summary>
    /// <param name="Code">A stable, documented denial code, e.g. <c>policy.denied.field_write</c>.</param>
    /// <param name="Message">Why, safe to show to the caller.</param>
    public sealed record Deny(string Code, string Message) : PolicyDecision;

    /// <summary>The call may run only after a human approves it.</summary>
    /// <param name="Route">Who is asked: the requester (confirmation) or an approver holding <paramref name="ApproverRole"/>.</param>
    /// <param name="ApproverRole">The role an approver must hold when <paramref name="Route"/> is <see cref="ApprovalRoute.Role"/>.</param>
    /// <param name="Reason">Why approval is needed, safe to show to the requester and the approver.</param>
    public sealed record RequireApproval(ApprovalRoute Route, string? ApproverRole, string Reason) : PolicyDecision
    {
        /// <summary>Properties the caller may not read, as for <see cref="Allow"/>.</summary>
        public IReadOnlySet<string> RedactedFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    }
}
