using GovernedCrm.Governance.Policy.Limits;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Enforces a policy's <c>limits</c>, the stateful part of the policy. Call <see cref="Check"/> only for calls
/// the policy allowed or sent for approval: it checks and, when nothing is exceeded, records the call, as one
/// atomic step per user and session. Thread-safe; time comes from the injected <see cref="TimeProvider"/>.
/// Memory is bounded: at most <c>maxTrackedKeys</c> users and sessions each, idle ones evicted first.
/// </summary>
public sealed class PolicyLimiter
{
    /// <summary>The default bound on tracked users and on tracked sessions.</summary>
    public const int DefaultMaxTrackedKeys = 10_000;

    private readonly TimeProvider _time;
    private readonly LimiterTable<WriteWindow> _writers;
    private readonly LimiterTable<SessionRecords> _sessions;

    /// <summary>Creates a limiter with the default bounds (10,000 users and sessions; sessions idle for an hour are forgotten first).</summary>
    /// <param name="timeProvider">The clock.</param>
    public PolicyLimiter(TimeProvider timeProvider)
        : this(timeProvider, DefaultMaxTrackedKeys, TimeSpan.FromHours(1))
    {
    }

    /// <summary>Creates a limiter.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="maxTrackedKeys">The most users, and the most sessions, tracked at once.</param>
    /// <param name="sessionIdleTimeout">How long a session may be unused before it may be forgotten (which resets its distinct-record count).</param>
    public PolicyLimiter(TimeProvider timeProvider, int maxTrackedKeys, TimeSpan sessionIdleTimeout)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedKeys, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sessionIdleTimeout, TimeSpan.Zero);
        _time = timeProvider;
        var idle = ToTimestamps(sessionIdleTimeout);
        _writers = new LimiterTable<WriteWindow>(maxTrackedKeys, idle);
        _sessions = new LimiterTable<SessionRecords>(maxTrackedKeys, idle);
    }

    /// <summary>How many users' write windows are tracked.</summary>
    public int TrackedUsers => _writers.Count;

    /// <summary>How many sessions' distinct records are tracked.</summary>
    public int TrackedSessions => _sessions.Count;

    /// <summary>
    /// Checks the call against the limits and records it when none is exceeded. In order:
    /// <c>writes_per_user</c> (write tools: allowed writes of the caller in the sliding window) →
    /// <c>policy.denied.rate_limit</c>; <c>records_per_call</c> (a numeric <c>limit</c> argument above the
    /// maximum) → <c>policy.denied.records_per_call</c>; <c>distinct_records_per_session</c> (distinct
    /// (object type, record id) pairs per MCP session, or per user without one) → <c>policy.denied.fan_out</c>.
    /// A denied call is not recorded.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="effectiveCaller">The caller as the policy resolved it (<see cref="CompiledPolicy.ResolveCaller"/>).</param>
    /// <param name="limits">The policy's limits.</param>
    /// <returns>Null when the call is within the limits (and was recorded), else the denial.</returns>
    public PolicyDecision.Deny? Check(GovernedCall call, CallerIdentity effectiveCaller, PolicyLimits limits)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(effectiveCaller);
        ArgumentNullException.ThrowIfNull(limits);
        var now = _time.GetTimestamp();
        var userKey = effectiveCaller.Tenant + "\n" + effectiveCaller.UserId;

        var rate = call.Tool.IsWrite ? limits.WritesPerUser : null;
        if (rate is null)
        {
            return CheckAfterRate(call, limits, userKey, now);
        }

        var windowTimestamps = ToTimestamps(rate.Window);
        return _writers.Use(userKey, now, window =>
        {
            if (!window.HasRoom(now, windowTimestamps, rate.Max))
            {
                return Deny(limits, PolicyDenialCodes.RateLimit, PolicyRuleIds.WritesPerUser,
                    $"Too many changes: at most {rate.Max.ToString(CultureInfo.InvariantCulture)} writes per {Describe(rate.Window)}. Try again later.");
            }

            // Holding the user's window while the rest is checked makes check-and-record atomic per user.
            var denial = CheckAfterRate(call, limits, userKey, now);
            if (denial is null)
            {
                window.Record(now);
            }

            return denial;
        });
    }

    private PolicyDecision.Deny? CheckAfterRate(GovernedCall call, PolicyLimits limits, string userKey, long now)
    {
        if (limits.RecordsPerCall is { } maxRecords
            && call.Arguments.TryGetValue("limit", out var limit)
            && limit.ValueKind == JsonValueKind.Number
            && limit.TryGetDouble(out var requested)
            && requested > maxRecords)
        {
            return Deny(limits, PolicyDenialCodes.RecordsPerCall, PolicyRuleIds.RecordsPerCall,
                $"Ask for at most {maxRecords.ToString(CultureInfo.InvariantCulture)} records per call.");
        }

        if (limits.DistinctRecordsPerSession is not { } maxDistinct || call.RecordId is not { } recordId)
        {
            return null;
        }

        var record = (call.ObjectType ?? string.Empty).ToLowerInvariant() + "\n" + recordId;
        var sessionKey = call.Origin.SessionId is { } session ? "session\n" + session : "user\n" + userKey;
        return _sessions.Use(sessionKey, now, records =>
        {
            if (!records.Allows(record, maxDistinct))
            {
                return Deny(limits, PolicyDenialCodes.FanOut, PolicyRuleIds.DistinctRecordsPerSession,
                    $"This session has reached its limit of {maxDistinct.ToString(CultureInfo.InvariantCulture)} distinct records. Start a new session or narrow the task.");
            }

            records.Record(record);
            return (PolicyDecision.Deny?)null;
        });
    }

    private static PolicyDecision.Deny Deny(PolicyLimits limits, string code, string rule, string message) =>
        new(code, message) { PolicyVersion = limits.PolicyVersion, Rule = rule };

    private long ToTimestamps(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static string Describe(TimeSpan window) =>
        window.TotalSeconds < 120 ? $"{window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds"
        : window.TotalMinutes < 120 ? $"{window.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes"
        : $"{window.TotalHours.ToString(CultureInfo.InvariantCulture)} hours";
}
