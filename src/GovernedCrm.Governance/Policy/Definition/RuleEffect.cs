namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>What a rule does when it matches.</summary>
internal enum RuleEffect
{
    /// <summary>The call may run.</summary>
    Allow,

    /// <summary>The call must not run.</summary>
    Deny,

    /// <summary>The call may run after a human approves it.</summary>
    RequireApproval,
}
