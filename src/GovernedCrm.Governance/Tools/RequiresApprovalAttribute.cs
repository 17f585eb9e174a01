namespace GovernedCrm.Governance.Tools;

/// <summary>
/// Every call of the tool needs human approval, whatever the policy file says (a policy can add approvals,
/// never remove this one). By default the requester confirms; set <see cref="ApproverRole"/> to route it to an
/// approver who holds that role and is not the requester.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresApprovalAttribute : Attribute
{
    /// <summary>The role an approver must hold; null means the requester confirms.</summary>
    public string? ApproverRole { get; set; }

    /// <summary>Why approval is needed, shown to whoever approves.</summary>
    public string Reason { get; set; } = "This tool always needs approval.";
}
