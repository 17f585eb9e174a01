namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>A require_approval rule's approval: who approves and why.</summary>
/// <param name="Route">The requester confirms, or an approver with <paramref name="Role"/>.</param>
/// <param name="Role">The approver's role when the route is <see cref="ApprovalRoute.Role"/>.</param>
/// <param name="Reason">Why approval is needed, shown to requester and approver.</param>
internal sealed record ApprovalDefinition(ApprovalRoute Route, string? Role, string Reason);
