namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Keeps admin tools (those whose target system is <see cref="AdminTargetSystem"/>, such as Audit.VerifyChain and
/// Audit.RecordHistory) for admins: callers with the admin role or on the configured allow-list. Another role (an
/// auditor) gets one only when the inner policy names the tool for that role in an allow rule
/// (<see cref="IAuditAccessPolicy.NamesAuditTool"/>: by name or a prefix such as "Audit.*", never a bare "*"), and the
/// inner policy then decides the call as any other. Everything else goes to the inner policy. Which chains an admin
/// or auditor sees is <see cref="AuditScope"/>'s rule, from the inner policy's <c>audit.cross_tenant_roles</c>.
/// </summary>
/// <param name="inner">The policy for every other tool.</param>
/// <param name="admins">User ids allowed to call admin tools.</param>
public sealed class AdminToolsPolicy(IGovernancePolicy inner, IReadOnlySet<string> admins) : IGovernancePolicy, IToolVisibilityPolicy, ICallerDirectory, IPolicyLimits, IFieldReadPolicy, IAuditAccessPolicy
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

        if (IsAdmin(call.Caller))
        {
            return new PolicyDecision.Allow { PolicyVersion = Version, Rule = RuleId };
        }

        return NamesAuditTool(call.Caller, call.Tool.ToolName)
            ? inner.Evaluate(call)
            : new PolicyDecision.Deny(AdminOnlyCode, $"Only admins may call {call.Tool.ToolName}.") { PolicyVersion = Version, Rule = RuleId };
    }

    /// <summary>Whether <paramref name="caller"/> may call the admin tool <paramref name="toolName"/> at all (the CLI's audit verbs ask this).</summary>
    /// <param name="caller">The caller, as the policy resolved them.</param>
    /// <param name="toolName">The admin tool.</param>
    /// <returns>True for admins, and for roles an allow rule names the tool for.</returns>
    public bool MayUse(CallerIdentity caller, string toolName)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return IsAdmin(caller) || NamesAuditTool(caller, toolName);
    }

    /// <inheritdoc />
    public bool SeesEveryChain(CallerIdentity caller) => inner is IAuditAccessPolicy access && access.SeesEveryChain(caller);

    /// <inheritdoc />
    public bool NamesAuditTool(CallerIdentity caller, string toolName) => inner is IAuditAccessPolicy access && access.NamesAuditTool(caller, toolName);

    /// <inheritdoc />
    public bool IsVisible(Tools.GovernedToolDescriptor tool, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(caller);
        return tool.TargetSystem != AdminTargetSystem
            ? inner is not IToolVisibilityPolicy visibility || visibility.IsVisible(tool, caller)
            : MayUse(caller, tool.ToolName);
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
