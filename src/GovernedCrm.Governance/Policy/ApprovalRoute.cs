namespace GovernedCrm.Governance.Policy;

/// <summary>Who approves a call that needs approval.</summary>
public enum ApprovalRoute
{
    /// <summary>The requester confirms the change themself (e.g. by MCP elicitation).</summary>
    Requester,

    /// <summary>An approver who holds a given role and is not the requester.</summary>
    Role,
}
