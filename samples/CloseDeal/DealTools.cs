namespace GovernedCrm.Samples.CloseDeal;

/// <summary>
/// A custom governed tool: the attributes are all it takes for validation, policy, approval and audit to apply.
/// Served by the shipped server: <c>governed-crm serve --tools GovernedCrm.Samples.CloseDeal.dll</c> (see README.md).
/// </summary>
/// <param name="crm">The CRM connector.</param>
/// <param name="governed">The governed call (who is calling).</param>
[McpServerToolType]
public sealed class DealTools(ICrmConnector crm, GovernedCallAccessor governed)
{
    /// <summary>Closes a deal as won or lost.</summary>
    /// <param name="dealId">The deal's id.</param>
    /// <param name="won">True for won, false for lost.</param>
    /// <param name="reason">Why (shown to approvers, kept in the audit trail).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>What happened.</returns>
    [McpServerTool(Name = "CRM.CloseDeal"), Description("Closes a deal as won or lost.")]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "dealId")]
    public async Task<string> CloseDeal(string dealId, bool won, string reason, CancellationToken cancellationToken)
    {
        var caller = governed.Require().Caller;
        var stage = won ? "closedwon" : "closedlost";
        var result = await crm.UpdateAsync(new CrmActor(caller.UserId, caller.Tenant), CrmObjectType.Deal, dealId,
            new Dictionary<string, object?> { ["dealstage"] = stage }, expectedVersion: null, cancellationToken).ConfigureAwait(false);
        return $"Deal {dealId} is now {stage} (version {result.Record.Version}).";
    }
}
