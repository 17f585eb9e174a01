using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>The rules that name one tool, split by effect, each list in file order; and the tool's fixed denials.</summary>
internal sealed class ToolRuleSet
{
    /// <summary>Collects the rules that name <paramref name="toolName"/>.</summary>
    /// <param name="toolName">The tool.</param>
    /// <param name="rules">Every rule, in file order.</param>
    /// <param name="policyVersion">Stamped on the fixed denials.</param>
    public ToolRuleSet(string toolName, IReadOnlyList<CompiledRule> rules, string policyVersion)
    {
        var allow = new List<CompiledRule>();
        var deny = new List<CompiledRule>();
        var approval = new List<CompiledRule>();
        foreach (var rule in rules)
        {
            if (!rule.MatchesTool(toolName))
            {
                continue;
            }

            (rule.Definition.Effect switch
            {
                RuleEffect.Allow => allow,
                RuleEffect.Deny => deny,
                _ => approval,
            }).Add(rule);
            if (rule.Definition.Effect == RuleEffect.Allow)
            {
                AllowRoleMask |= rule.RoleMask;
            }
        }

        Allow = [.. allow];
        Deny = [.. deny];
        Approval = [.. approval];
        ToolDenial = Denial(PolicyDenialCodes.Tool, $"You may not call {toolName}.");
        RoleDenial = Denial(PolicyDenialCodes.Role, $"Your role may not call {toolName}.");
        ObjectDenial = Denial(PolicyDenialCodes.ObjectType, $"You may not call {toolName} on this type of record.");
        DefaultDenial = Denial(PolicyDenialCodes.Default, $"No rule allows this call of {toolName}.");

        PolicyDecision.Deny Denial(string code, string message) =>
            new(code, message) { PolicyVersion = policyVersion, Rule = PolicyRuleIds.DefaultDeny };
    }

    /// <summary>The allow rules.</summary>
    public CompiledRule[] Allow { get; }

    /// <summary>The deny rules.</summary>
    public CompiledRule[] Deny { get; }

    /// <summary>The require_approval rules.</summary>
    public CompiledRule[] Approval { get; }

    /// <summary>The roles any allow rule admits (for tool visibility and the role check).</summary>
    public ulong AllowRoleMask { get; }

    /// <summary>No allow rule names the tool.</summary>
    public PolicyDecision.Deny ToolDenial { get; }

    /// <summary>No allow rule names the tool for the caller's roles.</summary>
    public PolicyDecision.Deny RoleDenial { get; }

    /// <summary>No allow rule names the tool for the caller's roles and the call's object type.</summary>
    public PolicyDecision.Deny ObjectDenial { get; }

    /// <summary>No allow rule's condition holds.</summary>
    public PolicyDecision.Deny DefaultDenial { get; }
}
