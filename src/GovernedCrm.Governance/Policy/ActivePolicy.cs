using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The policy in force, and its limit counters. A reload swaps the compiled policy atomically: a call is decided
/// wholly by the old or wholly by the new one, never half and half; the limit counters survive reloads.
/// </summary>
public sealed class ActivePolicy : IGovernancePolicy, IToolVisibilityPolicy, ICallerDirectory, IPolicyLimits, IFieldReadPolicy, IAuditAccessPolicy
{
    private readonly PolicyLimiter _limiter;
    private CompiledPolicy _current;

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    /// <param name="initial">The policy loaded at startup.</param>
    /// <param name="time">The clock for rate windows.</param>
    public ActivePolicy(CompiledPolicy initial, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        _limiter = new PolicyLimiter(time);
    }

    /// <summary>The compiled policy in force now.</summary>
    public CompiledPolicy Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public string Version => Current.Version;

    /// <summary>Puts <paramref name="next"/> in force for every call decided from now on.</summary>
    /// <param name="next">A policy that loaded without errors.</param>
    public void Replace(CompiledPolicy next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _current, next);
    }

    /// <inheritdoc />
    public PolicyDecision Evaluate(GovernedCall call) => Current.Evaluate(call);

    /// <inheritdoc />
    public bool IsVisible(GovernedToolDescriptor tool, CallerIdentity caller) => Current.IsVisible(tool, caller);

    /// <inheritdoc />
    public IReadOnlySet<string> UnreadableFields(CallerIdentity caller, string? objectType) => Current.UnreadableFields(caller, objectType);

    /// <inheritdoc />
    public CallerIdentity? Resolve(CallerIdentity caller) => Current.ResolveCaller(caller);

    /// <inheritdoc />
    public bool SeesEveryChain(CallerIdentity caller) => Current.SeesEveryChain(caller);

    /// <inheritdoc />
    public bool NamesAuditTool(CallerIdentity caller, string toolName) => Current.NamesAuditTool(caller, toolName);

    /// <inheritdoc />
    public PolicyDecision.Deny? CheckAndCount(GovernedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var policy = Current;
        return policy.ResolveCaller(call.Caller) is { } caller ? _limiter.Check(call, caller, policy.Limits) : null;
    }
}
