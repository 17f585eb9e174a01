using GovernedCrm.Governance.Policy.Conditions;
using GovernedCrm.Governance.Policy.Definition;
using GovernedCrm.Governance.Policy.Evaluation;
using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// A rule-based policy loaded from a policy file (<see cref="PolicyLoader"/>), compiled for fast evaluation:
/// rules indexed by tool name, roles as bit masks, conditions parsed once. Stateless and thread-safe; the
/// stateful limits are <see cref="PolicyLimiter"/>'s job.
/// </summary>
/// <remarks>
/// <para><see cref="Evaluate"/> decides in this exact order; the first step that decides wins:</para>
/// <list type="number">
/// <item><description><b>Caller.</b> Source "local": the user's entry in <c>users</c>, else <c>local_default</c>,
/// else deny <c>policy.denied.unknown_user</c>; the entry's roles and tenant are the caller's (the roles on the
/// identity are ignored). Source "token": the identity's tenant must be declared (else
/// <c>policy.denied.unknown_tenant</c>) and its roles are kept only when declared (none left:
/// <c>policy.denied.unknown_user</c>). Any other source: <c>policy.denied.unauthenticated</c>. Rule
/// <c>builtin.directory</c> (<c>builtin.authentication</c> for unauthenticated).</description></item>
/// <item><description><b>Tenant isolation.</b> A current record in another tenant than the caller's: deny
/// <c>policy.denied.tenant</c> (rule <c>builtin.tenant-isolation</c>), with a message that says nothing about
/// the record.</description></item>
/// <item><description><b>Allow rules exist.</b> Among the rules whose tools match: no allow rule at all, deny
/// <c>policy.denied.tool</c>; none for the caller's roles, <c>policy.denied.role</c>; none for those roles and
/// the call's object type, <c>policy.denied.object</c> (rule <c>builtin.default-deny</c>).</description></item>
/// <item><description><b>Deny rules.</b> The first deny rule (file order) matching tool, roles, object type and
/// condition: deny with its code (default <c>policy.denied.rule</c>) and message.</description></item>
/// <item><description><b>Field writes.</b> For write tools, the first property (fields rules in file order, then
/// deny_write order) that a fields rule matching the roles and object type lists in deny_write and that the
/// properties argument sets: deny <c>policy.denied.field_write</c>, naming the property (rule: the fields
/// rule).</description></item>
/// <item><description><b>Allow.</b> No allow rule matching tool, roles, object type and condition: deny
/// <c>policy.denied.default</c> (rule <c>builtin.default-deny</c>). Otherwise the first such rule (file order)
/// is the deciding rule.</description></item>
/// <item><description><b>Approval.</b> The tool's [RequiresApproval] attribute (requester route when it names no
/// approver role; rule <c>tool.requires-approval</c>) wins; else the first require_approval rule matching tool,
/// roles, object type and condition: require approval with its route, role and reason.</description></item>
/// <item><description>Else <b>allow</b>.</description></item>
/// </list>
/// <para>Allow and require-approval decisions carry <c>RedactedFields</c>: the union of deny_read of the fields
/// rules matching the caller's roles and the call's object type. Every decision carries
/// <see cref="Version"/> and the deciding rule's id. Roles, tenants, user ids, tool names and property names
/// compare ordinally; object types compare case-insensitively so another spelling cannot sidestep a rule.
/// Denial messages name at most the tool, a property the caller sent and a rule id; never another tenant's data.</para>
/// </remarks>
public sealed class CompiledPolicy : IGovernancePolicy, IToolVisibilityPolicy, IFieldReadPolicy, IAuditAccessPolicy
{
    private readonly PolicyDefinition _definition;
    private readonly CompiledRule[] _rules;
    private readonly CallerDirectory _directory;
    private readonly ToolRuleIndex _tools;
    private readonly FieldRuleIndex _fields;
    private readonly PolicyDecision.Deny _tenantDenial;
    private readonly ulong _crossTenantRoles;

    internal CompiledPolicy(PolicyDefinition definition, string sourceName, string version)
    {
        _definition = definition;
        SourceName = sourceName;
        Version = version;
        var roles = new RoleCatalog(definition.Roles);
        _rules = [.. definition.Rules.Select(r => new CompiledRule(r, roles, version))];
        _directory = new CallerDirectory(definition, roles, version);
        _tools = new ToolRuleIndex(_rules, version);
        _fields = new FieldRuleIndex(definition.Fields, roles);
        _crossTenantRoles = roles.MaskOf(definition.AuditCrossTenantRoles);
        _tenantDenial = new PolicyDecision.Deny(PolicyDenialCodes.Tenant, "The record is not available in your tenant.")
        {
            PolicyVersion = version,
            Rule = PolicyRuleIds.TenantIsolation,
        };
        Limits = new PolicyLimits
        {
            PolicyVersion = version,
            WritesPerUser = definition.WritesPerUser,
            RecordsPerCall = definition.RecordsPerCall,
            DistinctRecordsPerSession = definition.DistinctRecordsPerSession,
        };
    }

    /// <inheritdoc />
    /// <remarks>"sha256:" and the first 16 lowercase hex digits of the SHA-256 of the policy file's exact bytes.</remarks>
    public string Version { get; }

    /// <summary>Where the policy came from (the file name as given, or "built-in default policy").</summary>
    public string SourceName { get; }

    /// <summary>The declared tenants, in file order.</summary>
    public IReadOnlyList<string> Tenants => _definition.Tenants;

    /// <summary>The declared roles, in file order.</summary>
    public IReadOnlyList<string> Roles => _definition.Roles;

    /// <summary>The policy's limits, for <see cref="PolicyLimiter.Check"/>.</summary>
    public PolicyLimits Limits { get; }

    /// <summary>Decides one call, in the order documented on this class.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The decision.</returns>
    public PolicyDecision Evaluate(GovernedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Decide(call, trace: null);
    }

    /// <summary>Decides one call like <see cref="Evaluate"/> and says how: caller, tenant, every rule and why it did or did not match.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The decision and the lines that explain it.</returns>
    public PolicyExplanation Explain(GovernedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var lines = new List<string>();
        var decision = Decide(call, lines);
        lines.Add(decision switch
        {
            PolicyDecision.Deny deny => $"decision: deny {deny.Code} (rule {deny.Rule}): {deny.Message}",
            PolicyDecision.RequireApproval approval => $"decision: require approval by {(approval.Route == ApprovalRoute.Role ? "an approver with role " + approval.ApproverRole : "the requester")} (rule {approval.Rule}): {approval.Reason}" + Redacted(approval.RedactedFields),
            PolicyDecision.Allow allow => $"decision: allow (rule {allow.Rule})" + Redacted(allow.RedactedFields),
            _ => "decision: " + decision,
        });
        return new PolicyExplanation(decision, lines);

        static string Redacted(IReadOnlySet<string> fields) =>
            fields.Count == 0 ? string.Empty : "; redacted from results: " + string.Join(", ", fields.Order(StringComparer.Ordinal));
    }

    /// <summary>True when some allow rule names the tool for the caller's effective roles (objects and conditions aside).</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="caller">The caller.</param>
    /// <returns>Whether to list the tool for the caller.</returns>
    public bool IsVisible(GovernedToolDescriptor tool, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(caller);
        var resolved = _directory.Resolve(caller, trace: null);
        return resolved.Denial is null && (_tools.For(tool.ToolName).AllowRoleMask & resolved.Roles) != 0;
    }

    /// <inheritdoc />
    /// <remarks>The same set <see cref="Evaluate"/> puts in a decision's <c>RedactedFields</c> for a call on <paramref name="objectType"/>.</remarks>
    public IReadOnlySet<string> UnreadableFields(CallerIdentity caller, string? objectType)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var resolved = _directory.Resolve(caller, trace: null);
        return resolved.Denial is null ? _fields.For(resolved.Roles, objectType).DenyRead : _fields.EveryDenyRead;
    }

    /// <inheritdoc />
    public bool SeesEveryChain(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var resolved = _directory.Resolve(caller, trace: null);
        return resolved.Denial is null && (resolved.Roles & _crossTenantRoles) != 0;
    }

    /// <inheritdoc />
    public bool NamesAuditTool(CallerIdentity caller, string toolName)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(toolName);
        var resolved = _directory.Resolve(caller, trace: null);
        if (resolved.Denial is not null)
        {
            return false;
        }

        foreach (var rule in _rules)
        {
            if (rule.Definition.Effect == RuleEffect.Allow && rule.Definition.Roles is not null && rule.MatchesRole(resolved.Roles)
                && rule.Definition.Tools.Any(t => t.Prefix is not { Length: 0 } && t.Matches(toolName)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The caller as the policy sees it: the same identity with the effective tenant and roles (step 1 of
    /// <see cref="Evaluate"/>), for the host to stamp before auditing. Resolving a resolved caller changes nothing.
    /// </summary>
    /// <param name="caller">The caller as the transport identified it.</param>
    /// <returns>The effective caller, or null when the policy does not know the caller (unknown user or tenant, unauthenticated).</returns>
    public CallerIdentity? ResolveCaller(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return _directory.Effective(caller);
    }

    /// <summary>
    /// The <c>cli_users</c> section by OS user name: which policy user each OS account is on the approvals CLI, and for
    /// whom it may decide with <c>--as</c>. Null when the policy has no such section: then the OS user name is the
    /// policy user and nobody may act for another user from the shell.
    /// </summary>
    public IReadOnlyDictionary<string, CliUser>? CliUsers => _definition.CliUsers;

    /// <summary>True when <paramref name="userId"/> is listed under <c>users</c> (not merely covered by <c>local_default</c>).</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>Whether the user is listed.</returns>
    public bool IsListedUser(string userId) => _definition.Users.ContainsKey(userId);

    /// <summary>A summary for <c>policy check</c>: source and version, tenants, roles, users, rules by effect, fields rules, limits.</summary>
    /// <returns>The lines.</returns>
    public IReadOnlyList<string> Summarize() => PolicySummary.Of(_definition, SourceName, Version, Limits);

    private PolicyDecision Decide(GovernedCall call, List<string>? trace)
    {
        // 1. Caller.
        var caller = _directory.Resolve(call.Caller, trace);
        if (caller.Denial is { } callerDenial)
        {
            return callerDenial;
        }

        // 2. Tenant isolation, before any rule can look at the record.
        if (call.Current is { } current && !string.Equals(current.Tenant, caller.Tenant, StringComparison.Ordinal))
        {
            trace?.Add("tenant: the targeted record is not in the caller's tenant");
            return _tenantDenial;
        }

        trace?.Add(call.Current is null ? "tenant: no current record to check" : "tenant: the targeted record is in the caller's tenant");

        // 3. Rules.
        var objectType = call.ObjectType;
        var roles = caller.Roles;
        var rules = _tools.For(call.Tool.ToolName);
        if (trace is not null)
        {
            trace.Add($"call: tool {call.Tool.ToolName} ({call.Tool.Action}), object type {(objectType is null ? "(none)" : "'" + objectType + "'")}");
            RuleExplainer.ExplainRules(_rules, call, roles, objectType, _directory, trace);
            RuleExplainer.ExplainFields(_fields, roles, objectType, trace);
        }

        if (AllowGap(rules, roles, objectType) is { } gap)
        {
            return gap;
        }

        var scope = new ConditionScope(call);
        foreach (var rule in rules.Deny)
        {
            if (rule.Matches(roles, objectType, ref scope))
            {
                return rule.Denial!;
            }
        }

        var access = _fields.For(roles, objectType);
        if (call.Tool.IsWrite && access.DenyWrite.Length > 0 && FieldWriteDenial(call, access) is { } fieldDenial)
        {
            return fieldDenial;
        }

        CompiledRule? allowedBy = null;
        foreach (var rule in rules.Allow)
        {
            if (rule.Matches(roles, objectType, ref scope))
            {
                allowedBy = rule;
                break;
            }
        }

        if (allowedBy is null)
        {
            return rules.DefaultDenial;
        }

        if (call.Tool.RequiredApproval is { } attribute)
        {
            return new PolicyDecision.RequireApproval(
                attribute.ApproverRole is null ? ApprovalRoute.Requester : ApprovalRoute.Role, attribute.ApproverRole, attribute.Reason)
            {
                PolicyVersion = Version,
                Rule = PolicyRuleIds.ToolRequiresApproval,
                RedactedFields = access.DenyRead,
            };
        }

        foreach (var rule in rules.Approval)
        {
            if (rule.Matches(roles, objectType, ref scope))
            {
                var approval = rule.Definition.Approval!;
                return new PolicyDecision.RequireApproval(approval.Route, approval.Role, approval.Reason)
                {
                    PolicyVersion = Version,
                    Rule = rule.Id,
                    RedactedFields = access.DenyRead,
                };
            }
        }

        return new PolicyDecision.Allow { PolicyVersion = Version, Rule = allowedBy.Id, RedactedFields = access.DenyRead };
    }

    // Step 3's first checks: is there an allow rule for the tool, then for the roles, then for the object type?
    private static PolicyDecision.Deny? AllowGap(ToolRuleSet rules, ulong roles, string? objectType)
    {
        if (rules.Allow.Length == 0)
        {
            return rules.ToolDenial;
        }

        if ((rules.AllowRoleMask & roles) == 0)
        {
            return rules.RoleDenial;
        }

        foreach (var rule in rules.Allow)
        {
            if (rule.MatchesRole(roles) && rule.MatchesObject(objectType))
            {
                return null;
            }
        }

        return rules.ObjectDenial;
    }

    private PolicyDecision.Deny? FieldWriteDenial(GovernedCall call, FieldAccess access)
    {
        if (!call.Arguments.TryGetValue(call.Tool.PropertiesArgument, out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var (property, ruleId) in access.DenyWrite)
        {
            if (properties.TryGetProperty(property, out _))
            {
                return new PolicyDecision.Deny(PolicyDenialCodes.FieldWrite, $"You may not change the property '{property}'.")
                {
                    PolicyVersion = Version,
                    Rule = ruleId,
                };
            }
        }

        return null;
    }
}
