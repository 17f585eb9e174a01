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
    public sealed record Allow : PolicyDecision;

    /// <summary>The call must not run.</summary>
    /// <param name="Code">A stable, documented denial code, e.g. <c>policy.denied.field_write</c>.</param>
    /// <param name="Message">Why, safe to show to the caller.</param>
    public sealed record Deny(string Code, string Message) : PolicyDecision;
}
