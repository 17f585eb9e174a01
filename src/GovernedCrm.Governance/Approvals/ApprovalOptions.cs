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

    /// <summary>Options from a <see cref="TtlEnvironmentVariable"/> value: the default when it is unset or blank.</summary>
    /// <param name="ttl">The value, or null.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The value is not a valid expiry; the message says what is.</exception>
    public static ApprovalOptions FromTtl(string? ttl) =>
        string.IsNullOrWhiteSpace(ttl) ? new ApprovalOptions() : new ApprovalOptions { Expiry = ApprovalTtl.Parse(ttl) };
}
