namespace GovernedCrm.Governance.Approvals;

/// <summary>How long a proposal waits for a decision.</summary>
public sealed class ApprovalOptions
{
    /// <summary>The environment variable that sets <see cref="Expiry"/> (e.g. "30m", "24h", "7d").</summary>
    public const string TtlEnvironmentVariable = "GOVERNEDCRM_APPROVAL_TTL";

    /// <summary>The default expiry: 24 hours.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(24);

    /// <summary>How long after it was proposed a pending proposal expires (and counts as denied).</summary>
    public TimeSpan Expiry { get; init; } = DefaultExpiry;

    /// <summary>How long the server waits for a requester's confirmation before queueing the proposal. Default 5 min.</summary>
    public TimeSpan ConfirmationTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The environment variable that sets <see cref="DecisionWait"/> (e.g. "90s", "2m"; default 0).</summary>
    public const string WaitEnvironmentVariable = "GOVERNEDCRM_APPROVAL_WAIT";

    /// <summary>
    /// How long a queued call keeps waiting for its decision before it returns <c>pending_approval</c>: when an
    /// approver decides in time (and the server executes the approval), the waiting call returns the outcome
    /// itself. Default zero: queued calls return at once.
    /// </summary>
    public TimeSpan DecisionWait { get; init; } = TimeSpan.Zero;

    /// <summary>Options from a <see cref="TtlEnvironmentVariable"/> value: the default when it is unset or blank.</summary>
    /// <param name="ttl">The value, or null.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The value is not a valid expiry; the message says what is.</exception>
    public static ApprovalOptions FromTtl(string? ttl) => FromEnvironment(ttl, null);

    /// <summary>Options from the <see cref="TtlEnvironmentVariable"/> and <see cref="WaitEnvironmentVariable"/> values.</summary>
    /// <param name="ttl">The expiry, or null for the default.</param>
    /// <param name="wait">The decision wait, or null for none.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">A value is not valid; the message says what is.</exception>
    public static ApprovalOptions FromEnvironment(string? ttl, string? wait) => new()
    {
        Expiry = string.IsNullOrWhiteSpace(ttl) ? DefaultExpiry : ApprovalTtl.Parse(ttl),
        DecisionWait = string.IsNullOrWhiteSpace(wait) ? TimeSpan.Zero : ApprovalTtl.Parse(wait),
    };
}
