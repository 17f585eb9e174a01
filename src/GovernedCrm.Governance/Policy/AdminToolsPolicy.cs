using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Keeps admin tools (those whose target system is <see cref="AdminTargetSystem"/>, such as Audit.VerifyChain)
/// for admins: callers with the admin role or on the configured allow-list. Everything else goes to the inner
/// policy. Until the policy file arrives, the allow-list is how admins are named.
/// </summary>
/// <param name="inner">The policy for every other tool.</param>
/// <param name="admins">User ids allowed to call admin tools.</param>
public sealed class AdminToolsPolicy(IGovernancePolicy inner, IReadOnlySet<string> admins) : IGovernancePolicy, IToolVisibilityPolicy, ICallerDirectory, IPolicyLimits, IFieldReadPolicy
{
    /// <summary>The target system of admin tools.</summary>
    public const string AdminTargetSystem = "audit";

    /// <summary>The role that may call admin tools.</summary>
    public const string AdminRole = "admin";

    /// <summary>The denial code for a non-admin calling an admin tool.</summary>
    public const string AdminOnlyCode = "policy.denied.admin_only";

    /// <summary>The rule id stamped on admin-tool decisions.</summary>
    public const string RuleId = "builtin.admin-tools";

    /// <inheritdoc />
    public string Version => inner.Version;

    /// <inheritdoc />
    public PolicyDecision Evaluate(GovernedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Tool.TargetSystem != AdminTargetSystem)
        {
            return inner.Evaluate(call);
        }

        return IsAdmin(call.Caller)
            ? new PolicyDecision.Allow { PolicyVersion = Version, Rule = RuleId }
            : new PolicyDecision.Deny(AdminOnlyCode, $"Only admins may call {call.Tool.ToolName}.") { PolicyVersion = Version, Rule = RuleId };
    }

    /// <inheritdoc />
    public bool IsVisible(Tools.GovernedToolDescriptor tool, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(caller);
        return tool.TargetSystem != AdminTargetSystem
            ? inner is not IToolVisibilityPolicy visibility || visibility.IsVisible(tool, caller)
            : IsAdmin(caller);
    }

    /// <inheritdoc />
    public IReadOnlySet<string> UnreadableFields(CallerIdentity caller, string? objectType) =>
        FieldRedaction.UnreadableFields(inner, caller, objectType);

    /// <inheritdoc />
    public CallerIdentity? Resolve(CallerIdentity caller) => inner is ICallerDirectory directory ? directory.Resolve(caller) : caller;

    /// <inheritdoc />
    public PolicyDecision.Deny? CheckAndCount(GovernedCall call) =>
        call?.Tool.TargetSystem != AdminTargetSystem && inner is IPolicyLimits limits ? limits.CheckAndCount(call!) : null;

    private bool IsAdmin(CallerIdentity caller) =>
        admins.Contains(caller.UserId) || caller.Roles.Contains(AdminRole, StringComparer.Ordinal);
}
