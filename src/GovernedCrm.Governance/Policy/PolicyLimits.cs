namespace GovernedCrm.Governance.Policy;

/// <summary>The policy's <c>limits</c> section, enforced by <see cref="PolicyLimiter"/>. A null limit is not enforced.</summary>
public sealed record PolicyLimits
{
    /// <summary>No limits (a policy file without a <c>limits</c> section).</summary>
    /// <param name="policyVersion">The version stamped on the limiter's denials.</param>
    /// <returns>Limits that never deny.</returns>
    public static PolicyLimits None(string policyVersion) => new() { PolicyVersion = policyVersion };

    /// <summary>The version of the policy the limits come from, stamped on the limiter's denials.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary><c>writes_per_user</c>: allowed writes per user in a sliding window.</summary>
    public WriteRateLimit? WritesPerUser { get; init; }

    /// <summary><c>records_per_call</c>: the largest value a call's <c>limit</c> argument may have.</summary>
    public int? RecordsPerCall { get; init; }

    /// <summary><c>distinct_records_per_session</c>: how many distinct records one session (or user, without a session) may touch.</summary>
    public int? DistinctRecordsPerSession { get; init; }
}
